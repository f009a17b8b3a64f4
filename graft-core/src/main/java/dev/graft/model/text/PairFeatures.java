package dev.graft.model.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sentence-BERT's classification features of a text pair (Reimers &amp; Gurevych 2019): with {@code u} and {@code v}
 * the frozen encoder's vectors of the two texts, the head reads {@code [u, v, |u−v|, u⊙v]}: both vectors, their
 * element-wise absolute difference and their element-wise product ({@link PairEncoding#SEPARATE}).
 */
public final class PairFeatures {

    /** The parts of the feature vector, in order. */
    public static final String LAYOUT = "[u, v, |u-v|, u*v]";

    private PairFeatures() {
    }

    /** The width of the features for vectors {@code width} wide. */
    public static int width(int width) {
        return 4 * width;
    }

    /**
     * Embeds both texts of every pair, each distinct text once, and combines them.
     *
     * @param first    the first text of each pair
     * @param second   the second text of each pair, same size
     * @param embedder one vector per text, in order (called once, with the distinct texts in order of first appearance)
     * @return one feature row per pair, {@link #width} of the embedder's width
     */
    public static float[][] embed(List<String> first, List<String> second, Function<List<String>, float[][]> embedder) {
        if (first.size() != second.size()) {
            throw new IllegalArgumentException("text pairs need as many second texts as first texts, got " + first.size()
                    + " and " + second.size());
        }
        Map<String, Integer> index = new HashMap<>();
        List<String> distinct = new ArrayList<>();
        int[] a = positions(first, index, distinct);
        int[] b = positions(second, index, distinct);
        float[][] vectors = distinct.isEmpty() ? new float[0][] : embedder.apply(distinct);
        if (vectors.length != distinct.size()) {
            throw new IllegalStateException("the encoder returned " + vectors.length + " vectors for " + distinct.size() + " texts");
        }
        float[][] out = new float[first.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = combine(vectors[a[i]], vectors[b[i]]);
        }
        return out;
    }

    /** {@code [u, v, |u−v|, u⊙v]} of two vectors of the same width. */
    public static float[] combine(float[] u, float[] v) {
        if (u.length != v.length) {
            throw new IllegalArgumentException("pair vectors differ in width: " + u.length + " vs " + v.length);
        }
        int d = u.length;
        float[] f = new float[width(d)];
        System.arraycopy(u, 0, f, 0, d);
        System.arraycopy(v, 0, f, d, d);
        for (int k = 0; k < d; k++) {
            f[2 * d + k] = Math.abs(u[k] - v[k]);
            f[3 * d + k] = u[k] * v[k];
        }
        return f;
    }

    private static int[] positions(List<String> texts, Map<String, Integer> index, List<String> distinct) {
        int[] at = new int[texts.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = index.computeIfAbsent(texts.get(i), t -> {
                distinct.add(t);
                return distinct.size() - 1;
            });
        }
        return at;
    }
}
