package dev.graft.model.bert;

/** How {@link BertSelfAttention} computes {@code softmax(q·kᵀ/√d + mask)·v}. */
public enum AttentionKernel {
    /**
     * {@link #FUSED}, except in training with attention dropout: there libtorch's fused call runs its "math" kernel —
     * the same ops as {@link #COMPOSITE} — and only adds the call's own cost (the bench's
     * {@code ft_fused_vs_composite_attention}: 0.97–0.99 on short texts, 0.95–1.09 on long ones), so
     * {@link #COMPOSITE} is used. Inference, and training without attention dropout, get libtorch's flash kernel.
     */
    AUTO,
    /** DJL ops one by one (product, scale, mask, softmax, dropout, product), float32: the reference. */
    COMPOSITE,
    /** libtorch's fused {@code scaled_dot_product_attention}, float32. */
    FUSED,
    /** libtorch's fused {@code scaled_dot_product_attention} with bfloat16 products (float32 in and out). */
    FUSED_BF16;

    /** The kernel this choice runs: {@link #AUTO} resolved for training or inference with this attention dropout. */
    public AttentionKernel resolve(boolean training, float dropout) {
        if (this != AUTO) {
            return this;
        }
        return training && dropout > 0 ? COMPOSITE : FUSED;
    }
}
