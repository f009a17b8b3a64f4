package dev.graft.model.vision;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import dev.graft.model.torch.TorchScriptFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Convolutions, each with its bias and an optional clip, applied in turn in one call of a Graft-written TorchScript
 * module ({@link TorchScriptFunction}), differentiable: {@code hardtanh_(conv2d(x, W, b), min, max)} per convolution,
 * the clip in place on the convolution's fresh output, so no second activation-sized array is written. Autograd's
 * {@code hardtanh_} backward reads the clipped result, as torchvision's {@code ReLU6(inplace=True)} does; at a value
 * exactly on a bound its subgradient is 0 where DJL's {@code clip} gives 1 (elsewhere the gradients are equal). The
 * input is made channels-last first (a no-op when it already is), so the output is channels-last and oneDNN convolves
 * {@code NHWC} directly.
 *
 * <p>A {@link Chain} may add its input back at the end (an inverted residual block), and may compute in bfloat16: the
 * input, weights and biases are cast to bfloat16 inside the module, every convolution and clip runs in bfloat16, and
 * the result is cast back to float32 before the residual sum. libtorch differentiates the casts, so the weights'
 * gradients arrive in float32. Only the chain's input and output cross in float32, which is why a whole block is one
 * chain: casting around each convolution would cost as much as bfloat16 saves.
 *
 * <p>Where nothing needs a float32 chain's gradients (inference, or a frozen block in a training step) its 1×1
 * convolutions take oneDNN's product with the bias and clip applied as it writes ({@code source(Chain, boolean)}).
 *
 * <p>TorchScript takes stride, padding, groups and clip bounds as constants, so one module is compiled per distinct
 * {@link Chain} (a MobileNetV2 has about a dozen) and kept for the life of the process.
 */
final class ScriptedConv {

    /**
     * What one convolution computes.
     *
     * @param kernel  kernel size (both axes)
     * @param stride  stride (both axes)
     * @param padding padding (both axes)
     * @param groups  groups
     * @param clip    the clip bounds, or {@code null}
     */
    record Shape(int kernel, int stride, int padding, int groups, MobileNetV2Spec.Bounds clip) {
        /** A dense 1×1 convolution without padding: a matrix product over the channels of each (strided) pixel. */
        boolean pointwise() {
            return kernel == 1 && padding == 0 && groups == 1;
        }

        String key() {
            return "k" + kernel + "_s" + stride + "_p" + padding + "_g" + groups + (clip == null ? "" : "_c" + bits(clip));
        }
    }

    /**
     * Convolutions applied in turn.
     *
     * @param convs    the convolutions, at least one
     * @param bf16     whether they compute in bfloat16 (input and output stay float32)
     * @param residual whether the chain's input is added to its output (then the shapes must match)
     * @param addClip  bounds after the residual sum, or {@code null}
     */
    record Chain(List<Shape> convs, boolean bf16, boolean residual, MobileNetV2Spec.Bounds addClip) {
        Chain {
            convs = List.copyOf(convs);
            if (convs.isEmpty()) {
                throw new IllegalArgumentException("a chain needs at least one convolution");
            }
            if (addClip != null && !residual) {
                throw new IllegalArgumentException("addClip needs a residual sum");
            }
        }

        /** One convolution, in bfloat16 when {@code bf16}. */
        static Chain of(Shape conv, boolean bf16) {
            return new Chain(List.of(conv), bf16, false, null);
        }

        String className() {
            StringBuilder b = new StringBuilder("GraftConv2d");
            for (Shape s : convs) {
                b.append('_').append(s.key());
            }
            if (bf16) {
                b.append("_bf16");
            }
            if (residual) {
                b.append("_res").append(addClip == null ? "" : "_c" + bits(addClip));
            }
            return b.toString();
        }
    }

    private static final Map<Chain, TorchScriptFunction> MODULES = new ConcurrentHashMap<>();

    private ScriptedConv() {
    }

    /**
     * {@code c} applied to float32 {@code x} [N, C, H, W]: float32, channels-last, in {@code x}'s manager.
     *
     * @param weightsAndBiases each convolution's weight and bias (float32), in order
     */
    static NDArray apply(Chain c, NDArray x, List<NDArray> weightsAndBiases) {
        if (weightsAndBiases.size() != 2 * c.convs().size()) {
            throw new IllegalArgumentException(c.convs().size() + " convolutions need " + 2 * c.convs().size()
                    + " weights and biases, got " + weightsAndBiases.size());
        }
        NDArray[] inputs = new NDArray[1 + weightsAndBiases.size()];
        inputs[0] = x;
        for (int i = 0; i < weightsAndBiases.size(); i++) {
            inputs[i + 1] = weightsAndBiases.get(i);
        }
        return MODULES.computeIfAbsent(c, ScriptedConv::compile).apply(inputs);
    }

    /** The chain's module; without the frozen path where this libtorch lacks oneDNN's fused product (a build without it). */
    private static TorchScriptFunction compile(Chain c) {
        try {
            return TorchScriptFunction.compile(c.className(), source(c, true));
        } catch (EngineException e) {
            return TorchScriptFunction.compile(c.className(), source(c, false));
        }
    }

    /**
     * The module's TorchScript source; with {@code frozenPath}, a float32 chain whose input and weights need no
     * gradient (a frozen block, or no gradient recorded at all) computes each 1×1 convolution as oneDNN's matrix
     * product with the bias and the clip applied as it writes the result ({@code mkldnn::_linear_pointwise}, what
     * PyTorch's Inductor calls on CPU): no pass that copies the bias into the output first ({@code addmm}), none that
     * clips it after. That op has no gradient, so anything that trains takes the other branch.
     */
    static String source(Chain c, boolean frozenPath) {
        List<String> args = new ArrayList<>(List.of("x"));
        for (int i = 0; i < c.convs().size(); i++) {
            args.add("w" + i);
            args.add("b" + i);
        }
        List<String> body = new ArrayList<>();
        body.add("x0 = torch.contiguous(x, memory_format=2)");
        boolean fuse = frozenPath && !c.bf16() && c.convs().stream().anyMatch(Shape::pointwise);
        if (fuse) {
            StringBuilder needsGradient = new StringBuilder("x0.requires_grad");
            for (int i = 0; i < c.convs().size(); i++) {
                needsGradient.append(" or w").append(i).append(".requires_grad or b").append(i).append(".requires_grad");
            }
            body.add("if not x0.is_cuda and not (torch.is_grad_enabled() and (" + needsGradient + ")):");
            convs(c, true).forEach(line -> body.add("  " + line));
            body.add("else:");
            convs(c, false).forEach(line -> body.add("  " + line));
        } else {
            body.addAll(convs(c, false));
        }
        if (c.residual()) {
            body.add("y = torch.add(x0, y)");
            if (c.addClip() != null) {
                body.add("y = " + hardtanh("y", c.addClip()));
            }
        }
        body.add("return y");
        return TorchScriptFunction.moduleSource(c.className(), args, body);
    }

    /** The lines that compute {@code y} from {@code x0}: the convolutions, their clips and the bfloat16 casts. */
    private static List<String> convs(Chain c, boolean frozen) {
        List<String> body = new ArrayList<>();
        body.add(c.bf16() ? "y = torch.to(x0, 15)" : "y = x0");
        for (int i = 0; i < c.convs().size(); i++) {
            Shape s = c.convs().get(i);
            String w = c.bf16() ? "torch.to(w" + i + ", 15)" : "w" + i;
            String b = c.bf16() ? "torch.to(b" + i + ", 15)" : "b" + i;
            boolean clipped = false;
            if (s.pointwise()) {
                // torch.linear on the channels-last pixels (a view, no copy): oneDNN's 1×1 convolution kernel for
                // small maps (under 8×8 output pixels, 320+ channels) gives wrong values in libtorch 2.7
                if (s.stride() > 1) {
                    body.add(everyStride("y", s.stride()));
                }
                String product;
                if (frozen) {
                    String attr = s.clip() == null ? "\"none\", annotate(List[Optional[number]], [])"
                            : "\"hardtanh\", annotate(List[Optional[number]], [" + number(s.clip().min()) + ", "
                                    + number(s.clip().max()) + "])";
                    product = "ops.mkldnn._linear_pointwise(torch.permute(y, [0, 2, 3, 1]), torch.flatten(" + w + ", 1), "
                            + b + ", " + attr + ", None)";
                    clipped = true;
                } else {
                    product = "torch.linear(torch.permute(y, [0, 2, 3, 1]), torch.flatten(" + w + ", 1), " + b + ")";
                }
                body.add("y = torch.permute(" + product + ", [0, 3, 1, 2])");
            } else if (c.bf16() && s.stride() > 1 && s.groups() > 1) {
                // libtorch 2.7's bfloat16 grouped convolution with a stride gives a wrong input gradient; the
                // stride-1 convolution sampled at every stride-th pixel is the same function
                body.add("y = torch.conv2d(y, " + w + ", " + b + ", [1, 1], [" + s.padding() + ", " + s.padding()
                        + "], [1, 1], " + s.groups() + ")");
                body.add(everyStride("y", s.stride()));
            } else {
                body.add("y = torch.conv2d(y, " + w + ", " + b + ", [" + s.stride() + ", " + s.stride() + "], ["
                        + s.padding() + ", " + s.padding() + "], [1, 1], " + s.groups() + ")");
            }
            if (s.clip() != null && !clipped) {
                body.add("y = " + hardtanh("y", s.clip()));
            }
        }
        if (c.bf16()) {
            body.add("y = torch.to(y, 6)");
        }
        return body;
    }

    /** {@code var} sampled at every {@code stride}-th pixel of both spatial axes. */
    private static String everyStride(String var, int stride) {
        return var + " = torch.slice(torch.slice(" + var + ", 2, 0, None, " + stride + "), 3, 0, None, " + stride + ")";
    }

    private static String hardtanh(String var, MobileNetV2Spec.Bounds b) {
        return "torch.hardtanh_(" + var + ", " + number(b.min()) + ", " + number(b.max()) + ")";
    }

    private static String bits(MobileNetV2Spec.Bounds b) {
        return Integer.toHexString(Float.floatToIntBits(b.min())) + "_" + Integer.toHexString(Float.floatToIntBits(b.max()));
    }

    /** A float as a TorchScript literal (always with a decimal point or exponent, full precision). */
    private static String number(float v) {
        if (Float.isNaN(v)) {
            throw new IllegalArgumentException("clip bound must be a number, got NaN");
        }
        float finite = Float.isInfinite(v) ? Math.copySign(Float.MAX_VALUE, v) : v;
        return String.format(Locale.ROOT, "%.9e", (double) finite);
    }
}
