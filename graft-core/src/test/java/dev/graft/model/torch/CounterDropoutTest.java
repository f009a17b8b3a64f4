package dev.graft.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CounterDropoutTest {

    private static float[] dropped(NDManager m, long size, float rate, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        return CounterDropout.apply(m.ones(new Shape(size)), rate, true).toFloatArray();
    }

    @Test
    void theHashIsMurmurHash3sFinaliser() {
        // fmix32 as MurmurHash3's reference implementation (smhasher) defines it
        assertEquals(0, CounterDropout.hash(0));
        assertEquals(0x514E28B7, CounterDropout.hash(1));
        assertEquals(0x81F16F39, CounterDropout.hash(0xFFFFFFFF));
    }

    @Test
    void dropsEachElementWithTheRateIndependentlyAndScalesTheRestAsTorchDoes() {
        int n = 1 << 20;
        float rate = 0.1f;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] y = dropped(m, n, rate, 11);
            float keep = (float) (1.0 / (1.0 - rate));
            int zeros = 0;
            int bothZero = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(y[i] == 0f || y[i] == keep, "element " + i + " is " + y[i]);
                if (y[i] == 0f) {
                    zeros++;
                    if (i > 0 && y[i - 1] == 0f) {
                        bothZero++;
                    }
                }
            }
            double sd = Math.sqrt(n * rate * (1 - rate));
            assertEquals(n * rate, zeros, 5 * sd, "dropped count");
            // neighbours (hashes of neighbouring counters) are independent: P(both) = rate²
            double pairs = (n - 1) * (double) rate * rate;
            assertEquals(pairs, bothZero, 5 * Math.sqrt(pairs), "neighbouring pairs both dropped");
        }
    }

    @Test
    void theSameSeedDrawsTheSameMaskWhateverTheArraySizeAndSoWhateverTheThreads() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] big = dropped(m, 600_001, 0.3f, 5); // nineteen tasks run in parallel
            float[] small = dropped(m, 20_000, 0.3f, 5); // one task on the calling thread
            assertArrayEquals(small, Arrays.copyOf(big, small.length));
            assertArrayEquals(big, dropped(m, 600_001, 0.3f, 5));
            assertFalse(Arrays.equals(small, dropped(m, 20_000, 0.3f, 6)), "another seed, another mask");
            Engine.getInstance().setRandomSeed(5);
            NDArray ones = m.ones(new Shape(20_000));
            float[] first = CounterDropout.apply(ones, 0.3f, true).toFloatArray();
            float[] second = CounterDropout.apply(ones, 0.3f, true).toFloatArray();
            assertFalse(Arrays.equals(first, second), "each call draws a fresh seed");
        }
    }

    @Test
    void theGradientIsTheMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(1f, 50_001f).reshape(100, 500);
            x.setRequiresGradient(true);
            float[] y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Engine.getInstance().setRandomSeed(3);
                NDArray out = CounterDropout.apply(x, 0.25f, true);
                y = out.toFloatArray();
                gc.backward(out.sum());
            }
            float[] g = x.getGradient().toFloatArray();
            float[] xs = x.toFloatArray();
            for (int i = 0; i < y.length; i++) {
                float mask = y[i] == 0f ? 0f : 1f / 0.75f;
                assertEquals(mask, g[i], 1e-6f, "gradient of element " + i);
                assertEquals(xs[i] * mask, y[i], Math.abs(y[i]) * 1e-6f, "value of element " + i);
            }
        }
    }

    @Test
    void float64IsLeftToLibtorchsDropout() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = CounterDropout.apply(m.ones(new Shape(4096), DataType.FLOAT64), 0.5f, true);
            assertEquals(DataType.FLOAT64, y.getDataType());
            int zeros = 0;
            for (double v : y.toDoubleArray()) {
                assertTrue(v == 0.0 || v == 2.0, "value " + v);
                zeros += v == 0.0 ? 1 : 0;
            }
            assertTrue(zeros > 1800 && zeros < 2300, zeros + " of 4096 dropped at rate 0.5");
        }
    }

    @Test
    void outsideTrainingOrAtRateZeroTheInputPassesThrough() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(10));
            assertSame(x, CounterDropout.apply(x, 0.5f, false));
            assertSame(x, CounterDropout.apply(x, 0f, true));
            assertThrows(IllegalArgumentException.class, () -> CounterDropout.apply(x, 1f, true));
        }
    }
}
