package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A 2-D convolution with PyTorch's layout ({@code weight [out, in/groups, k, k]}, optional
 * {@code bias [out]}), square kernel, symmetric padding, computed by DJL's ops or Graft's fused TorchScript kernels
 * ({@link ConvKernels}, {@link ScriptedConv}).
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
    private ConvKernels kernels = ConvKernels.DJL;

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

    /** Computes with {@code k} from the next forward pass on; {@link ConvKernels#DJL} at first. */
    public void setKernels(ConvKernels k) {
        this.kernels = Objects.requireNonNull(k, "kernels");
    }

    /** How the convolution is computed. */
    public ConvKernels kernels() {
        return kernels;
    }

    /** Sets the kernels of every convolution inside {@code root}; returns how many there are. */
    public static int setKernels(VisionModule root, ConvKernels k) {
        int n = 0;
        if (root instanceof Conv2dLayer c) {
            c.setKernels(k);
            n++;
        }
        for (Map.Entry<String, VisionModule> child : root.modules()) {
            n += setKernels(child.getValue(), k);
        }
        return n;
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
     * Applies the convolution (see {@link ChannelPadding} for how a dense convolution whose channels do not fill whole
     * blocks is computed); the result is float32.
     */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return apply(ps, x, training, null);
    }

    /** The convolution followed by a clip to {@code clip} (none when {@code null}), float32. */
    NDArray apply(ParameterStore ps, NDArray x, boolean training, MobileNetV2Spec.Bounds clip) {
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        if (kernels == ConvKernels.DJL || padded()) {
            ChannelPadding.Conv conv = kernels == ConvKernels.DJL
                    ? (in, wt, bs) -> Conv2d.conv2d(in, wt, bs, new Shape(stride, stride), new Shape(padding, padding),
                            new Shape(1, 1), groups).singletonOrThrow()
                    : (in, wt, bs) -> ScriptedConv.apply(ScriptedConv.Chain.of(scripted(null), kernels.bf16()), in,
                            List.of(wt, orZeros(bs, in, wt)));
            NDArray y = padded() ? ChannelPadding.conv2d(x, w, b, conv) : conv.apply(x, w, b);
            return clip == null ? y : y.clip(clip.min(), clip.max());
        }
        return ScriptedConv.apply(ScriptedConv.Chain.of(scripted(clip), kernels.bf16()), x, List.of(w, orZeros(b, x, w)));
    }

    /** Whether {@link ChannelPadding} computes this convolution. */
    boolean padded() {
        return ChannelPadding.applies(in, out, kernel, groups);
    }

    /** This convolution, followed by a clip to {@code clip}, as a link of a {@link ScriptedConv.Chain}. */
    ScriptedConv.Shape scripted(MobileNetV2Spec.Bounds clip) {
        return new ScriptedConv.Shape(kernel, stride, padding, groups, clip);
    }

    /** The weight and bias (zeros without one) as a {@link ScriptedConv.Chain} takes them, for input {@code x}. */
    List<NDArray> chainArguments(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        return List.of(w, orZeros(bias == null ? null : ps.getValue(bias, x.getDevice(), training), x, w));
    }

    /** {@code bias}, or zeros of the output width in {@code x}'s step (the scripted convolution always takes a bias). */
    private static NDArray orZeros(NDArray bias, NDArray x, NDArray weight) {
        return bias != null ? bias : x.getManager().zeros(new Shape(weight.getShape().get(0)));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }
}
