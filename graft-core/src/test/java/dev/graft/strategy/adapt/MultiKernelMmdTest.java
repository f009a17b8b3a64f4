package dev.graft.strategy.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Multi-kernel MMD: zero for identical batches, larger for a larger shift, and a gradient that closes the gap. */
class MultiKernelMmdTest {

    private static float[] gaussian(int n, int d, double shift, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() + (i % d == 0 ? shift : 0));
        }
        return v;
    }

    private static double mmd(NDManager m, float[] a, float[] b, int n, int d) {
        return MultiKernelMmd.mmd2(m.create(a, new Shape(n, d)), m.create(b, new Shape(n, d))).getFloat();
    }

    @Test
    void zeroForIdenticalBatchesAndGrowingWithTheShift() {
        int n = 64;
        int d = 8;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] s = gaussian(n, d, 0, 1);
            assertEquals(0, mmd(m, s, s, n, d), 1e-5);
            double same = mmd(m, s, gaussian(n, d, 0, 2), n, d);
            double small = mmd(m, s, gaussian(n, d, 1, 2), n, d);
            double large = mmd(m, s, gaussian(n, d, 3, 2), n, d);
            assertTrue(same < small && small < large, same + " < " + small + " < " + large);
        }
    }

    @Test
    void gradientStepsMoveTheTargetTowardsTheSource() {
        int n = 32;
        int d = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(gaussian(n, d, 0, 3), new Shape(n, d));
            float[] t = gaussian(n, d, 2, 4);
            double first = mmd(m, gaussian(n, d, 0, 3), t, n, d);
            for (int step = 0; step < 20; step++) {
                NDArray x = m.create(t, new Shape(n, d));
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(MultiKernelMmd.mmd2(s, x));
                }
                float[] g = x.getGradient().toFloatArray();
                for (int i = 0; i < t.length; i++) {
                    assertTrue(Float.isFinite(g[i]));
                    t[i] -= 20 * g[i];
                }
            }
            double last = mmd(m, gaussian(n, d, 0, 3), t, n, d);
            assertTrue(last < first / 2, "MMD " + first + " -> " + last);
        }
    }
}
