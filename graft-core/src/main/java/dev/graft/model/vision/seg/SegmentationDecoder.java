package dev.graft.model.vision.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.vision.VisionModule;
import java.util.List;

/** A decoder from the encoder's feature maps (shallowest first, strides 2–32) and the input image to class logits. */
abstract class SegmentationDecoder extends VisionModule {

    /** Class logits {@code [B, classes, H, W]} at the resolution of {@code images}. */
    abstract NDArray logits(ParameterStore ps, List<NDArray> maps, NDArray images, boolean training);

    /** Adds a named child module. */
    final <T extends VisionModule> T add(String name, T child) {
        return module(name, child);
    }

    @Override
    protected final NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("the decoder runs inside SegmentationNet.logits");
    }
}
