package dev.graft.model.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Multi-head attention through libtorch's fused {@code scaled_dot_product_attention}, differentiable,
 * on the PyTorch engine: {@code softmax(q·kᵀ/√d + mask)·v} per head, with the heads split and joined
 * inside the op.
 *
 * <p>DJL 0.36 does not expose the op, so it runs as a small TorchScript module ({@link
 * TorchScriptFunction}, as {@link BFloat16Ops} does). libtorch picks the kernel: on CPU its flash-attention
 * kernel (no {@code [B,heads,T,T]} score tensor kept for backward) when there is no dropout, else its
 * composite "math" kernel. In {@link #BF16} the products run in bfloat16 (inputs, mask and the
 * attention itself cast inside the module; float32 out), in {@link #FP32} in float32.
 */
public final class ScaledDotProductAttention {

    /** float32 attention. */
    public static final ScaledDotProductAttention FP32 = new ScaledDotProductAttention("GraftSdpaFloat", 6);
    /** bfloat16 attention with float32 inputs and output. */
    public static final ScaledDotProductAttention BF16 = new ScaledDotProductAttention("GraftSdpaBFloat16", 15);

    private final String className;
    private final int scalarType;
    private volatile TorchScriptFunction op;

    private ScaledDotProductAttention(String className, int scalarType) {
        this.className = className;
        this.scalarType = scalarType;
    }

    /**
     * The module: {@code forward(q, k, v [B,T,H], mask [B,1,1,T] or [0], heads (), dropout ()) → [B,T,H]}, computed in
     * libtorch scalar type {@code scalarType} (6 = float32, 15 = bfloat16), returned as float32. An empty mask means none.
     */
    static String source(String className, int scalarType) {
        return TorchScriptFunction.moduleSource(className, List.of("q", "k", "v", "mask", "heads", "dropout"),
                List.of(
                        "b = q.size(0)",
                        "t = q.size(1)",
                        "h = q.size(2)",
                        "n = int(heads)",
                        "d = h // n",
                        "q4 = torch.transpose(torch.view(torch.to(q, " + scalarType + "), [b, t, n, d]), 1, 2)",
                        "k4 = torch.transpose(torch.view(torch.to(k, " + scalarType + "), [b, t, n, d]), 1, 2)",
                        "v4 = torch.transpose(torch.view(torch.to(v, " + scalarType + "), [b, t, n, d]), 1, 2)",
                        "m: Optional[Tensor] = None",
                        "if torch.numel(mask) > 0:",
                        "  m = torch.to(mask, " + scalarType + ")",
                        "o = torch.scaled_dot_product_attention(q4, k4, v4, m, float(dropout))",
                        "return torch.to(torch.reshape(torch.transpose(o, 1, 2), [b, t, h]), 6)"));
    }

    /**
     * Attention of {@code numHeads} heads over the projected {@code q}, {@code k}, {@code v}.
     *
     * @param q            float32 {@code [B,T,H]}, the query projection
     * @param k            float32 {@code [B,T,H]}
     * @param v            float32 {@code [B,T,H]}
     * @param additiveMask float32 {@code [B,1,1,T]} added to the scores (0 on tokens, very negative on padding), or null
     * @param numHeads     heads; {@code H} must be a multiple
     * @param dropout      dropout probability on the attention weights (0 outside training)
     * @return float32 {@code [B,T,H]}, the heads' outputs side by side, in {@code q}'s manager
     */
    public NDArray apply(NDArray q, NDArray k, NDArray v, NDArray additiveMask, int numHeads, float dropout) {
        if (q.getShape().dimension() != 3 || q.getShape().get(2) % numHeads != 0) {
            throw new IllegalArgumentException("q must be [B,T,H] with H a multiple of " + numHeads + " heads, got " + q.getShape());
        }
        NDManager m = q.getManager();
        NDArray mask = additiveMask != null ? additiveMask : m.zeros(new Shape(0));
        return op().apply(q, k, v, mask, m.create(numHeads), m.create(dropout));
    }

    private TorchScriptFunction op() {
        TorchScriptFunction o = op;
        if (o == null) {
            synchronized (this) {
                o = op;
                if (o == null) {
                    o = TorchScriptFunction.compile(className, source(className, scalarType));
                    op = o;
                }
            }
        }
        return o;
    }
}
