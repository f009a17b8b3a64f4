package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * bfloat16 matrix products with float32 inputs and outputs, differentiable, on the PyTorch engine.
 *
 * <p>Why TorchScript: DJL 0.36's PyTorch JNI knows no bfloat16 type (its dtype table stops at
 * complex64, and a bfloat16 request aborts the process), and its {@code toType} runs without
 * autograd, so a cast inside a {@code GradientCollector} cuts the graph. The casts therefore run
 * inside a tiny TorchScript module ({@link TorchScriptFunction}):
 * {@code y = float32(linear(bf16(x), bf16(W))) + b}.
 * libtorch's autograd differentiates the casts, so the gradients of {@code x}, {@code W} and
 * {@code b} arrive as float32 (the weight gradient is a bfloat16 product, cast back). On CPUs with
 * AVX512_BF16 or AMX, oneDNN computes the bfloat16 products in hardware.
 */
public final class BFloat16Ops {

    static final String CLASS_NAME = "GraftBf16Linear";

    /** The module: forward(x [..., in], weight [out, in], bias [out]) → [..., out], float32. */
    static final String SOURCE = TorchScriptFunction.moduleSource(CLASS_NAME, List.of("x", "weight", "bias"),
            List.of("_0 = torch.linear(torch.to(x, 15), torch.to(weight, 15))",
                    "return torch.add(torch.to(_0, 6), bias)"));

    static final String FEED_FORWARD_CLASS = "GraftBf16FeedForward";

    /**
     * The module: forward(x [..., h], w1 [i, h], b1 [i], w2 [h, i], b2 [h]) → [..., h], float32. Between the two
     * products the activations stay bfloat16: the first bias and the GELU run in bfloat16 (as autocast runs them), so
     * the widest activation of the layer is never cast to float32 and back.
     */
    static final String FEED_FORWARD_SOURCE = TorchScriptFunction.moduleSource(FEED_FORWARD_CLASS,
            List.of("x", "w1", "b1", "w2", "b2"),
            List.of("_0 = torch.gelu(torch.linear(torch.to(x, 15), torch.to(w1, 15), torch.to(b1, 15)))",
                    "_1 = torch.linear(_0, torch.to(w2, 15))",
                    "return torch.add(torch.to(_1, 6), b2)"));

    private BFloat16Ops() {
    }

    /** Compiled on first use. */
    private static final class FeedForward {
        static final TorchScriptFunction INSTANCE = TorchScriptFunction.compile(FEED_FORWARD_CLASS, FEED_FORWARD_SOURCE);
    }

    /**
     * A transformer's feed-forward block {@code linear(gelu(linear(x, w1, b1)), w2) + b2} (exact GELU) with both products,
     * the first bias and the GELU in bfloat16, the input, output and second bias sum in float32; differentiable with
     * respect to all five.
     *
     * @return float32 {@code [..., h]}, in {@code x}'s manager
     */
    public static NDArray feedForward(NDArray x, NDArray w1, NDArray b1, NDArray w2, NDArray b2) {
        return FeedForward.INSTANCE.apply(x, w1, b1, w2, b2);
    }

    /** Compiled on first use. */
    private static final class Module {
        static final TorchScriptFunction INSTANCE = TorchScriptFunction.compile(CLASS_NAME, SOURCE);
    }

    /**
     * {@code x · weightᵀ + bias} with the product in bfloat16 and the result, and the bias sum, in
     * float32; differentiable with respect to all three.
     *
     * @param x      float32 {@code [..., in]} on the PyTorch engine
     * @param weight float32 {@code [out, in]}
     * @param bias   float32 {@code [out]}
     * @return float32 {@code [..., out]}, in {@code x}'s manager
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return Module.INSTANCE.apply(x, weight, bias);
    }
}
