package dev.graft.model.bert;

/** How {@link BertSelfAttention} computes {@code softmax(q·kᵀ/√d + mask)·v}. */
public enum AttentionKernel {
    /**
     * {@link #FUSED}, except in training with attention dropout on short sequences (at most
     * {@value #SHORT_SEQUENCE} tokens), where {@link #COMPOSITE} is used. With dropout libtorch's fused call runs its
     * "math" kernel, the same ops as {@link #COMPOSITE}, plus the call's own cost: on support tickets (~22 tokens) the
     * composite step was 1–3% faster in every bench run (fp32 and bf16), while on book reviews (~100 tokens) the fused
     * one was as fast in fp32 and 5–30% faster in bf16. Inference, and training without attention dropout, get
     * libtorch's flash kernel.
     */
    AUTO,
    /** DJL ops one by one (product, scale, mask, softmax, dropout, product), float32: the reference. */
    COMPOSITE,
    /** libtorch's fused {@code scaled_dot_product_attention}, float32. */
    FUSED,
    /** libtorch's fused {@code scaled_dot_product_attention} with bfloat16 products (float32 in and out). */
    FUSED_BF16;

    /** The longest sequence {@link #AUTO} trains with the composite ops when there is attention dropout. */
    public static final int SHORT_SEQUENCE = 64;

    /**
     * The kernel this choice runs: {@link #AUTO} resolved for training or inference with this attention dropout on
     * sequences of {@code tokens}.
     */
    public AttentionKernel resolve(boolean training, float dropout, long tokens) {
        if (this != AUTO) {
            return this;
        }
        return training && dropout > 0 && tokens <= SHORT_SEQUENCE ? COMPOSITE : FUSED;
    }
}
