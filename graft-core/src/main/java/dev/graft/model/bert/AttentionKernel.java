package dev.graft.model.bert;

/** How {@link BertSelfAttention} computes {@code softmax(q·kᵀ/√d + mask)·v}. */
public enum AttentionKernel {
    /**
     * {@link #FUSED}, except in training with attention dropout, where {@link #COMPOSITE} is used. With dropout
     * libtorch's fused call runs its "math" kernel — the same ops as {@link #COMPOSITE}, plus the call's own cost — and
     * draws the dropout mask with its one-threaded {@code bernoulli_}, where the composite ops use
     * {@link dev.graft.model.torch.CounterDropout}: on book reviews (~100 tokens, up to 256) the composite step took 863
     * against 963 ms in fp32 and 421 against 547 ms in bf16 in one bench run, on support tickets (~22 tokens) 208
     * against 214 and 125 against 138 ms. Inference, and training without attention dropout, get libtorch's flash
     * kernel; where the projections run in bfloat16, its bfloat16 variant ({@link #FUSED_BF16}).
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
