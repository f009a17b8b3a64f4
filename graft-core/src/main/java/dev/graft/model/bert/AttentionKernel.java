package dev.graft.model.bert;

/** How {@link BertSelfAttention} computes {@code softmax(q·kᵀ/√d + mask)·v}. */
public enum AttentionKernel {
    /** DJL ops one by one (product, scale, mask, softmax, dropout, product), float32: the reference. */
    COMPOSITE,
    /** libtorch's fused {@code scaled_dot_product_attention}, float32. */
    FUSED,
    /** libtorch's fused {@code scaled_dot_product_attention} with bfloat16 products (float32 in and out). */
    FUSED_BF16
}
