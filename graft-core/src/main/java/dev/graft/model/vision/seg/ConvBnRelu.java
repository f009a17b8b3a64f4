package dev.graft.model.vision.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.vision.BatchNorm2d;
import dev.graft.model.vision.Conv2dLayer;
import dev.graft.model.vision.VisionModule;

/** A 3×3 convolution (no bias), BatchNorm and ReLU: one decoder layer. */
final class ConvBnRelu extends VisionModule {

    private final Conv2dLayer conv;
    private final BatchNorm2d norm;

    ConvBnRelu(int in, int out) {
        this.conv = module("conv", new Conv2dLayer(in, out, 3, 1, 1, 1, false));
        this.norm = module("bn", new BatchNorm2d(out));
    }

    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return Activation.relu(norm.apply(ps, conv.apply(ps, x, training), training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }
}
