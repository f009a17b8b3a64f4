package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 2-D convolution with PyTorch's layout ({@code weight [out, in/groups, k, k]}, optional
 * {@code bias [out]}), square kernel, symmetric padding.
 */
public final class Conv2dLayer extends VisionModule {

    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    /** A convolution; {@code bias} adds a bias vector. */
    public Conv2dLayer(int in, int out, int kernel, int stride, int padding, int groups, boolean bias) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("conv channels " + in + "→" + out + " are not divisible by groups " + groups);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in / groups, kernel, kernel));
        this.weight.setInitializer(new ai.djl.training.initializer.NormalInitializer(
                (float) Math.sqrt(2.0 / ((double) in / groups * kernel * kernel))));
        this.bias = bias ? param("bias", Parameter.Type.BIAS, new Shape(out)) : null;
    }

    /** Output channels. */
    public int outChannels() {
        return out;
    }

    /** Input channels. */
    public int inChannels() {
        return in;
    }

    /**
     * Applies the convolution (see {@link OutputChannelPadding} for how a dense convolution with few output channels
     * is computed).
     */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        if (OutputChannelPadding.applies(out, kernel, groups)) {
            return OutputChannelPadding.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding));
        }
        return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), groups)
                .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }
}
