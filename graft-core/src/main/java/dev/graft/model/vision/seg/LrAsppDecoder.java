package dev.graft.model.vision.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import dev.graft.model.vision.BatchNorm2d;
import dev.graft.model.vision.Conv2dLayer;
import java.util.List;

/**
 * Lite R-ASPP, the segmentation head of MobileNetV3 (Howard et al. 2019; torchvision's {@code LRASPPHead}): the
 * deepest map (stride 32 here; MobileNetV3 dilates its last stage to stride 16) goes through a 1×1 convolution,
 * BatchNorm and ReLU, multiplied by a squeeze-excitation gate (global average pool, 1×1 convolution, sigmoid); the
 * result is upsampled bilinearly to the stride-8 map and classified by a 1×1 convolution, to which a 1×1 classifier of
 * the stride-8 map is added; the sum is upsampled bilinearly to the input's resolution.
 */
final class LrAsppDecoder extends SegmentationDecoder {

    /** Channels of the squeeze-excited branch (torchvision's {@code inter_channels}). */
    static final int INTER_CHANNELS = 128;
    /** Index of the stride-8 map among the encoder's feature maps (strides 2, 4, 8, 16, 32). */
    static final int LOW_MAP = 2;

    private final Conv2dLayer cbrConv;
    private final BatchNorm2d cbrNorm;
    private final Conv2dLayer scale;
    private final Conv2dLayer lowClassifier;
    private final Conv2dLayer highClassifier;

    LrAsppDecoder(List<Integer> skips, int classes) {
        if (skips.size() <= LOW_MAP) {
            throw new IllegalArgumentException("the LR-ASPP decoder needs a stride-8 encoder map, the encoder has " + skips.size() + " resolutions");
        }
        int high = skips.get(skips.size() - 1);
        this.cbrConv = add("cbr", new Conv2dLayer(high, INTER_CHANNELS, 1, 1, 0, 1, false));
        this.cbrNorm = add("cbr_bn", new BatchNorm2d(INTER_CHANNELS));
        this.scale = add("scale", new Conv2dLayer(high, INTER_CHANNELS, 1, 1, 0, 1, false));
        this.lowClassifier = add("low_classifier", new Conv2dLayer(skips.get(LOW_MAP), classes, 1, 1, 0, 1, true));
        this.highClassifier = add("high_classifier", new Conv2dLayer(INTER_CHANNELS, classes, 1, 1, 0, 1, true));
    }

    @Override
    NDArray logits(ParameterStore ps, List<NDArray> maps, NDArray images, boolean training) {
        NDArray high = maps.get(maps.size() - 1);
        NDArray low = maps.get(LOW_MAP);
        NDArray x = Activation.relu(cbrNorm.apply(ps, cbrConv.apply(ps, high, training), training));
        NDArray gate = Activation.sigmoid(scale.apply(ps, high.mean(new int[] {3}, true).mean(new int[] {2}, true), training));
        x = x.mul(gate);
        x = Bilinear.resize(x, low.getShape().get(2), low.getShape().get(3));
        NDArray y = lowClassifier.apply(ps, low, training).add(highClassifier.apply(ps, x, training));
        return Bilinear.resize(y, images.getShape().get(2), images.getShape().get(3));
    }
}
