package dev.graft.model.bert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** A small encoder, a batch for it, and the measures tests use to compare its bf16 results with fp32's. */
public final class Bf16Comparison {

    /** An encoder of 2 layers, 4 heads of 16 dimensions, 50 tokens. */
    public static final BertConfig CONFIG = new BertConfig(50, 64, 2, 4, 128, 16, 2, 1e-12);

    private Bf16Comparison() {
    }

    /** Two sequences of 10 tokens, the last three of the second padding. */
    public static NDList batch(NDManager m) {
        long[] ids = new long[2 * 10];
        long[] mask = new long[2 * 10];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1 + (i * 7) % 49;
            mask[i] = i >= 17 ? 0 : 1;
        }
        Shape s = new Shape(2, 10);
        return new NDList(m.create(ids, s), m.create(mask, s));
    }

    /** Relative L2 distance ‖a − b‖ / ‖b‖. */
    public static double relative(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += b[i] * (double) b[i];
        }
        return Math.sqrt(num / den);
    }

    /** Asserts that gradient {@code g} is finite, not zero, and within a cosine of 0.98 of {@code ref}'s direction. */
    public static void assertSameDirection(String name, float[] g, float[] ref) {
        double dot = 0;
        double n1 = 0;
        double n2 = 0;
        for (int i = 0; i < g.length; i++) {
            assertFalse(Float.isNaN(g[i]) || Float.isInfinite(g[i]), name + " gradient not finite");
            dot += g[i] * (double) ref[i];
            n1 += g[i] * (double) g[i];
            n2 += ref[i] * (double) ref[i];
        }
        assertTrue(n1 > 0, name + " has no gradient");
        double cosine = dot / Math.sqrt(n1 * n2);
        assertTrue(cosine > 0.98, name + " gradient direction differs from fp32's: cosine " + cosine);
    }
}
