package dev.graft.model.vision.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.model.vision.ChannelPadding;
import dev.graft.model.vision.Conv2dLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * U-Net-style decoder: from the deepest map, each stage doubles the resolution (nearest neighbour), concatenates the
 * encoder map of that resolution and applies a 3×3 convolution, BatchNorm and ReLU; a last stage at full resolution
 * concatenates the input image itself, then a 1×1 convolution gives the class logits. Skip connections at every
 * stride keep the thin structures (membranes, vessels) that a decoder from the deepest map alone would blur.
 */
final class UNetDecoder extends SegmentationDecoder {

    /** Decoder channels per stage, deepest stage first; the last entry is the full-resolution stage. */
    static final List<Integer> CHANNELS = List.of(128, 64, 48, 32, 16);

    private final List<ConvBnRelu> stages = new ArrayList<>();
    private final Conv2dLayer classifier;

    UNetDecoder(List<Integer> skips, int classes) {
        if (skips.size() != CHANNELS.size()) {
            throw new IllegalArgumentException("the U-Net decoder expects " + CHANNELS.size() + " encoder resolutions, the"
                    + " encoder has " + skips.size());
        }
        int in = skips.get(skips.size() - 1);
        for (int s = 0; s < CHANNELS.size(); s++) {
            int skip = s < skips.size() - 1 ? skips.get(skips.size() - 2 - s) : 3; // the last stage reads the image
            stages.add(add("stage" + s, new ConvBnRelu(ChannelPadding.wholeBlocks(in + skip), CHANNELS.get(s))));
            in = CHANNELS.get(s);
        }
        this.classifier = add("classifier", new Conv2dLayer(in, classes, 1, 1, 0, 1, true));
    }

    @Override
    NDArray logits(ParameterStore ps, List<NDArray> maps, NDArray images, boolean training) {
        NDArray x = maps.get(maps.size() - 1);
        for (int s = 0; s < stages.size(); s++) {
            NDArray skip = s < maps.size() - 1 ? maps.get(maps.size() - 2 - s) : images;
            x = stages.get(s).apply(ps, padChannels(NDArrays.concat(new NDList(upsample2(x), skip), 1)), training);
        }
        return classifier.apply(ps, x, training);
    }

    /**
     * {@code x} with zero channels appended up to whole blocks ({@link ChannelPadding#wholeBlocks}). libtorch's oneDNN
     * CPU kernels keep channels in blocks of 16 floats and, for a 3×3 convolution whose channels do not fill the last
     * block, now and then read the block's uninitialised padding: measured here as NaN over whole inference tiles of a
     * decoder stage reading 35 channels. The decoder's concatenated inputs are therefore padded, and its stage weights
     * are stored at that width ({@code ChannelPadding} pads other convolutions' inputs at run time).
     */
    static NDArray padChannels(NDArray x) {
        Shape s = x.getShape();
        long missing = ChannelPadding.wholeBlocks((int) s.get(1)) - s.get(1);
        if (missing == 0) {
            return x;
        }
        NDArray zeros = x.getManager().zeros(new Shape(s.get(0), missing, s.get(2), s.get(3)), x.getDataType());
        return NDArrays.concat(new NDList(x, zeros), 1);
    }

    /** Nearest-neighbour upsampling by 2 of {@code [B, C, H, W]}. */
    static NDArray upsample2(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }
}
