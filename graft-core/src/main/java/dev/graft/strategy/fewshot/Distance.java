package dev.graft.strategy.fewshot;

import java.util.Arrays;
import java.util.Locale;

/** How a query is compared with a class prototype; a higher {@link #similarity} means closer. */
public enum Distance {
    /** Cosine similarity. */
    COSINE,
    /** Negative squared Euclidean distance (Snell et al. 2017). */
    EUCLIDEAN;

    /** Parses {@code cosine} or {@code euclidean} (any case). */
    public static Distance parse(String name) {
        for (Distance d : values()) {
            if (d.name().equalsIgnoreCase(name.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("Unknown distance '" + name + "'. Use one of " + Arrays.toString(names()) + ".");
    }

    /** The names {@link #parse} accepts. */
    public static String[] names() {
        return Arrays.stream(values()).map(d -> d.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    /** Similarity of {@code a} and {@code b} (same length). */
    public double similarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors differ in width: " + a.length + " vs " + b.length);
        }
        if (this == EUCLIDEAN) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                double d = a[i] - b[i];
                s += d * d;
            }
            return -s;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-12);
    }
}
