package dev.graft.model.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.graft.model.Scalars;
import org.junit.jupiter.api.Test;

/** libtorch's one-op GELU is the exact erf form BERT uses, forward and backward. */
class GeluTest {

    /** The formula written out with DJL ops, as Graft computed it before. */
    private static NDArray formula(NDArray x) {
        return Scalars.mul(x.mul(Scalars.add(Scalars.mul(x, (float) (1 / Math.sqrt(2))).erf(), 1f)), 0.5f);
    }

    @Test
    void valuesAndGradientsEqualTheErfFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(1);
            NDArray x = m.randomNormal(0f, 3f, new Shape(4000), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray weights = m.randomNormal(new Shape(4000));
            x.setRequiresGradient(true);
            float[] fused;
            float[] fusedGrad;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = Gelu.exact(x);
                fused = y.toFloatArray();
                gc.backward(y.mul(weights).sum());
            }
            fusedGrad = x.getGradient().toFloatArray();
            x.getGradient().subi(x.getGradient());
            float[] ref;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = formula(x);
                ref = y.toFloatArray();
                gc.backward(y.mul(weights).sum());
            }
            float[] refGrad = x.getGradient().toFloatArray();
            assertArrayEquals(ref, fused, 2e-6f);
            assertArrayEquals(refGrad, fusedGrad, 2e-5f);
            // the tanh approximation differs from the exact form by up to ~5e-4 near |x| = 2: make sure it is not that
            float at2 = Gelu.exact(m.create(new float[] {2f})).getFloat();
            assertTrue(Math.abs(at2 - 1.9544997f) < 1e-6, "GELU(2) = " + at2);
        }
    }
}
