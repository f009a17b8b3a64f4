package dev.graft.model.text;

/** How token vectors become one sentence vector; a property of the pretrained model. */
public enum Pooling {
    /** Mean over the tokens the attention mask keeps (sentence-transformers' default). */
    MEAN,
    /** The first ([CLS]) token's vector. */
    CLS;

    /**
     * The pooling named {@code name} ({@code mean} or {@code cls}, any case).
     *
     * @param source where the name was read, for the message
     * @throws IllegalArgumentException naming {@code source} and the choices
     */
    public static Pooling parse(String name, String source) {
        for (Pooling p : values()) {
            if (p.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException(source + " names pooling '" + dev.graft.util.Excerpt.of(String.valueOf(name))
                + "'; it must be mean or cls.");
    }

    /**
     * Pools one sequence of a row-major {@code [T, H]} hidden-state block.
     *
     * @param hidden  the whole batch output, {@code [B, T, H]} row-major
     * @param offset  index in {@code hidden} of this sequence's first value
     * @param mask    this sequence's attention mask (1 keep, 0 padding), length T
     * @param width   H
     */
    public float[] pool(float[] hidden, int offset, long[] mask, int width) {
        float[] out = new float[width];
        if (this == CLS) {
            System.arraycopy(hidden, offset, out, 0, width);
            return out;
        }
        double[] sum = new double[width];
        long count = 0;
        for (int t = 0; t < mask.length; t++) {
            if (mask[t] == 0) {
                continue;
            }
            count++;
            int base = offset + t * width;
            for (int h = 0; h < width; h++) {
                sum[h] += hidden[base + h];
            }
        }
        double denom = Math.max(count, 1e-9);
        for (int h = 0; h < width; h++) {
            out[h] = (float) (sum[h] / denom);
        }
        return out;
    }
}
