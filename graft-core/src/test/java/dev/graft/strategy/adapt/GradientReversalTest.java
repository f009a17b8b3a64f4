package dev.graft.strategy.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The gradient-reversal layer: identity forward, −λ times the gradient backward, checked through libtorch's autograd. */
class GradientReversalTest {

    @Test
    void forwardIsIdentityAndBackwardIsMinusLambdaTimesTheGradient() {
        float[] xv = {0.5f, -1.25f, 3f, 0f, 2.5f, -0.75f};
        float[] wv = {1f, 2f, -3f, 0.5f, -1f, 4f};
        for (float lambda : new float[] {0f, 0.3f, 1f, 2.5f}) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.create(xv, new Shape(2, 3));
                x.setRequiresGradient(true);
                NDArray w = m.create(wv, new Shape(2, 3));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = GradientReversal.apply(x, lambda);
                    assertArrayEquals(xv, y.toFloatArray(), 1e-6f, "forward must be the identity");
                    gc.backward(y.mul(w).sum()); // d/dx of sum(w·y) would be w without the reversal
                }
                float[] g = x.getGradient().toFloatArray();
                for (int i = 0; i < g.length; i++) {
                    assertEquals(-lambda * wv[i], g[i], 1e-5, "gradient at " + i + " for lambda " + lambda);
                }
            }
        }
    }

    @Test
    void lambdaScheduleRisesFromZeroTowardsOne() {
        assertEquals(0, GradientReversal.schedule(0), 1e-12);
        assertEquals(2 / (1 + Math.exp(-5)) - 1, GradientReversal.schedule(0.5), 1e-12);
        assertTrue(GradientReversal.schedule(1) > 0.99);
        assertTrue(GradientReversal.schedule(0.2) < GradientReversal.schedule(0.4));
    }
}
