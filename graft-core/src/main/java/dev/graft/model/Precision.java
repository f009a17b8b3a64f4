package dev.graft.model;

import java.util.Locale;

/**
 * The number format of a model's matrix products. Parameters, optimiser state, LayerNorm, softmax
 * and the loss stay float32 in every precision: only what {@link #BF16} names runs narrower.
 */
public enum Precision {
    /** Everything in float32 (the default). */
    FP32,
    /**
     * Mixed precision: matrix products in bfloat16, their inputs and weights cast for them. Within a block (the
     * attention's projections, scores and output projection; the feed-forward's two layers) activations stay
     * bfloat16 between products, as autocast keeps them; what leaves a block is cast back to float32, its last bias
     * added in float32. Softmax, LayerNorm, residual sums and the loss run in float32; gradients reach the float32
     * weights.
     */
    BF16;

    /** The lower-case name used in settings and files ({@code fp32}, {@code bf16}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code fp32}, {@code bf16} or {@code auto}; {@code auto} is {@link #BF16} where
     * {@code cpu} computes bfloat16 products natively, else {@link #FP32}.
     *
     * @throws IllegalArgumentException for any other value, naming the argument
     */
    public static Precision parse(String value, CpuFeatures cpu) {
        String k = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (k) {
            case "fp32", "float32" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            case "auto" -> auto(cpu);
            default -> throw new IllegalArgumentException("Unknown precision '" + value + "'; use fp32, bf16 or auto.");
        };
    }

    /** Whether {@code setting} is {@code auto} (any case, surrounding blanks ignored). */
    public static boolean isAuto(String setting) {
        return setting != null && setting.trim().equalsIgnoreCase("auto");
    }

    /**
     * Whether {@code setting} names bf16 itself, not through {@code auto}.
     *
     * @throws IllegalArgumentException for an unknown value, as {@link #parse} does
     */
    public static boolean namesBf16(String setting) {
        return !isAuto(setting) && parse(setting, new CpuFeatures(java.util.Set.of())) == BF16;
    }

    /** {@link #BF16} where {@code cpu} has native bfloat16 products, else {@link #FP32}. */
    public static Precision auto(CpuFeatures cpu) {
        return cpu.nativeBf16() ? BF16 : FP32;
    }
}
