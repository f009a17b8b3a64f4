package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** A convolution followed by a clip to fixed bounds (ReLU6-like), or none, computed as its {@link Conv2dLayer} is set to. */
final class ClippedConv extends VisionModule {

    private final Conv2dLayer conv;
    private final MobileNetV2Spec.Bounds clip;

    ClippedConv(MobileNetV2Spec.ConvSpec s) {
        this.conv = module("0", new Conv2dLayer(s.in(), s.out(), s.kernel(), s.stride(), s.padding(), s.groups(), true));
        this.clip = s.clip();
    }

    /** The convolution. */
    Conv2dLayer conv() {
        return conv;
    }

    /** The bounds after it, or {@code null}. */
    MobileNetV2Spec.Bounds clip() {
        return clip;
    }

    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return conv.apply(ps, x, training, clip);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }
}
