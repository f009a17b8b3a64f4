package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
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
 *
 * <p>A weight may also come as the bfloat16 copy {@link ConstantBf16Weights#forProduct} keeps of a weight that does not
 * change: the modules' cast of it to bfloat16 then returns it as it is.
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

    static final String ATTENTION_CLASS = "GraftBf16Attention";

    /**
     * The module: forward(x [B,T,H], wq, bq, tq, wk, bk, tk, wv, bv, tv, wo, bo, mask [B,1,1,T] or [0],
     * drop [B,n,T,T] or [0], heads (), dropout (), flash ()) → [B,T,H], float32. {@code x} is cast once for the three
     * projections, whose products and biases run in bfloat16 and stay so through the attention; a non-empty float32
     * term {@code t*} [B,T,H] (LoRA's update) is added to its projection in bfloat16. The output projection's bias is
     * added in float32, as the feed-forward's second is. With {@code flash}, libtorch's fused attention in bfloat16
     * (its own dropout {@code dropout}); else the scores {@code q·kᵀ} (a bfloat16 product, as autocast runs it) go to
     * float32 for the scale, mask and softmax, the probabilities are multiplied by {@code drop} (0 or 1/(1 − rate)
     * each; empty: no dropout) and return to bfloat16 for the product with {@code v}.
     */
    static final String ATTENTION_SOURCE = TorchScriptFunction.moduleSource(ATTENTION_CLASS,
            List.of("x", "wq", "bq", "tq", "wk", "bk", "tk", "wv", "bv", "tv", "wo", "bo", "mask", "drop", "heads",
                    "dropout", "flash"),
            attentionBody());

    private static List<String> attentionBody() {
        List<String> lines = new ArrayList<>(List.of("b = x.size(0)", "t = x.size(1)", "h = x.size(2)", "n = int(heads)",
                "d = h // n", "xb = torch.to(x, 15)"));
        for (String p : List.of("q", "k", "v")) {
            lines.add(p + "p = torch.linear(xb, torch.to(w" + p + ", 15), torch.to(b" + p + ", 15))");
            lines.add("if torch.numel(t" + p + ") > 0:");
            lines.add("  " + p + "p = torch.add(" + p + "p, torch.to(t" + p + ", 15))");
            lines.add(p + " = torch.transpose(torch.view(" + p + "p, [b, t, n, d]), 1, 2)");
        }
        lines.addAll(List.of("m: Optional[Tensor] = None",
                "if bool(flash):",
                "  if torch.numel(mask) > 0:",
                "    m = torch.to(mask, 15)",
                "  o = torch.scaled_dot_product_attention(q, k, v, m, float(dropout))",
                "else:",
                "  s = torch.div(torch.to(torch.matmul(q, torch.transpose(k, 2, 3)), 6), float(d) ** 0.5)",
                "  if torch.numel(mask) > 0:",
                "    s = torch.add(s, mask)",
                "  p = torch.softmax(s, -1)",
                "  if torch.numel(drop) > 0:",
                "    p = torch.mul(p, drop)",
                "  o = torch.matmul(torch.to(p, 15), v)",
                "ctx = torch.reshape(torch.transpose(o, 1, 2), [b, t, h])",
                "return torch.add(torch.to(torch.linear(ctx, torch.to(wo, 15)), 6), bo)"));
        return lines;
    }

    private BFloat16Ops() {
    }

    /** Compiled on first use. */
    private static final class Attention {
        static final TorchScriptFunction INSTANCE = TorchScriptFunction.compile(ATTENTION_CLASS, ATTENTION_SOURCE);
    }

    /**
     * One projection in {@link #attention}: float32 weight {@code [out, in]} and bias {@code [out]}, and a float32 term
     * {@code [B,T,out]} added to its output (LoRA's update), or null.
     */
    public record Projection(NDArray weight, NDArray bias, NDArray term) {

        /** A projection without a term. */
        public Projection(NDArray weight, NDArray bias) {
            this(weight, bias, null);
        }
    }

    /**
     * Multi-head self-attention with its four projections in one call, every product in bfloat16: {@code output(
     * attention(query(x), key(x), value(x)))}, differentiable with respect to {@code x} and the eight weights and
     * biases. Between the projections the activations stay bfloat16, so a layer casts its input once and its output
     * once, where a {@link #linear} per projection casts each of four inputs and outputs.
     *
     * @param x            float32 {@code [B,T,H]}
     * @param output       the output projection, without a term (it would be a function of the context, computed inside)
     * @param additiveMask float32 {@code [B,1,1,T]} added to the scores, or null
     * @param dropMask     float32 {@code [B,heads,T,T]} multiplying the attention probabilities (dropout), or null
     * @param flash        libtorch's fused attention (no score tensor kept; {@code dropout} its own dropout rate) rather
     *                     than the scores, softmax and {@code dropMask} one op at a time
     * @return float32 {@code [B,T,H]}, in {@code x}'s manager
     */
    public static NDArray attention(NDArray x, Projection query, Projection key, Projection value, Projection output,
                                    NDArray additiveMask, NDArray dropMask, int heads, boolean flash, float dropout) {
        if (output.term() != null) {
            throw new IllegalArgumentException("the output projection takes no term");
        }
        NDManager m = x.getManager();
        NDArray none = m.zeros(new Shape(0));
        return Attention.INSTANCE.apply(x, query.weight(), query.bias(), orNone(query.term(), none), key.weight(),
                key.bias(), orNone(key.term(), none), value.weight(), value.bias(), orNone(value.term(), none),
                output.weight(), output.bias(), orNone(additiveMask, none), orNone(dropMask, none), m.create(heads),
                m.create(dropout), m.create(flash));
    }

    private static NDArray orNone(NDArray a, NDArray none) {
        return a != null ? a : none;
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
