package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import dev.graft.model.torch.TorchScriptFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A convolution, its bias and an optional clip in one call of a Graft-written TorchScript module
 * ({@link TorchScriptFunction}), differentiable: {@code hardtanh_(conv2d(x, W, b), min, max)}, the clip in place on
 * the convolution's fresh output, so no second activation-sized array is written. Autograd's {@code hardtanh_} backward
 * reads the clipped result, as torchvision's {@code ReLU6(inplace=True)} does; at a value exactly on a bound its
 * subgradient is 0 where DJL's {@code clip} gives 1 (elsewhere the gradients are equal). The input is made channels-last
 * first (a no-op when it already is), so the output is channels-last and oneDNN convolves {@code NHWC} directly.
 *
 * <p>TorchScript takes stride, padding, groups and clip bounds as constants, so one module is compiled per distinct
 * {@link Shape} (a MobileNetV2 has about a dozen) and kept for the life of the process.
 */
final class ScriptedConv {

    /**
     * What a module computes.
     *
     * @param stride  stride (both axes)
     * @param padding padding (both axes)
     * @param groups  groups
     * @param clip    the clip bounds, or {@code null}
     */
    record Shape(int stride, int padding, int groups, MobileNetV2Spec.Bounds clip) {
        String className() {
            String c = clip == null ? "" : "_c" + Integer.toHexString(Float.floatToIntBits(clip.min())) + "_"
                    + Integer.toHexString(Float.floatToIntBits(clip.max()));
            return "GraftConv2d_s" + stride + "_p" + padding + "_g" + groups + c;
        }
    }

    private static final Map<Shape, TorchScriptFunction> MODULES = new ConcurrentHashMap<>();

    private ScriptedConv() {
    }

    /** {@code s}'s convolution of float32 {@code x} [N, C, H, W], channels-last, in {@code x}'s manager. */
    static NDArray apply(Shape s, NDArray x, NDArray weight, NDArray bias) {
        return MODULES.computeIfAbsent(s, k -> TorchScriptFunction.compile(k.className(), source(k))).apply(x, weight, bias);
    }

    /** The module's TorchScript source. */
    static String source(Shape s) {
        String cls = s.className();
        List<String> body = new ArrayList<>();
        body.add("x0 = torch.contiguous(x, memory_format=2)");
        body.add("y = torch.conv2d(x0, weight, bias, [" + s.stride() + ", " + s.stride() + "], [" + s.padding() + ", "
                + s.padding() + "], [1, 1], " + s.groups() + ")");
        if (s.clip() != null) {
            body.add("y = torch.hardtanh_(y, " + number(s.clip().min()) + ", " + number(s.clip().max()) + ")");
        }
        body.add("return y");
        return TorchScriptFunction.moduleSource(cls, List.of("x", "weight", "bias"), body);
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
