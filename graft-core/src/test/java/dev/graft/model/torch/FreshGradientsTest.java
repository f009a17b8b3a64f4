package dev.graft.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A backward pass that replaces the parameters' gradients, against DJL's, which adds to zeroed ones. */
class FreshGradientsTest {

    /** {@code Σ (x·wᵀ + b)²}: d/dw = 2·(x·wᵀ + b)ᵀ·x, d/db = 2·Σ_rows (x·wᵀ + b). */
    private static NDArray loss(NDArray x, NDArray w, NDArray b) {
        return x.matMul(w.transpose()).add(b).square().sum();
    }

    /** The reference: DJL's accumulating backward on fresh copies, whose gradients start at zero. */
    private static float[][] reference(NDArray x, NDArray w, NDArray b) {
        NDArray w2 = w.duplicate();
        NDArray b2 = b.duplicate();
        w2.setRequiresGradient(true);
        b2.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(loss(x, w2, b2));
        }
        return new float[][] {w2.getGradient().toFloatArray(), b2.getGradient().toFloatArray()};
    }

    @Test
    void eachBackwardPassReplacesTheGradientsAndUnreachedParametersGetZeroes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            NDArray w = m.randomNormal(new Shape(4, 3));
            NDArray b = m.randomNormal(new Shape(4));
            NDArray unused = m.randomNormal(new Shape(2));
            for (NDArray p : List.of(w, b, unused)) {
                p.setRequiresGradient(true);
            }
            for (int step = 1; step <= 3; step++) {
                NDArray x = m.randomNormal(new Shape(5, 3));
                float[][] expected = reference(x, w, b);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    FreshGradients.backward(loss(x, w, b), List.of(w, b, unused));
                }
                assertArrayEquals(expected[0], w.getGradient().toFloatArray(), 1e-5f, "w, step " + step);
                assertArrayEquals(expected[1], b.getGradient().toFloatArray(), 1e-5f, "b, step " + step);
                assertArrayEquals(new float[2], unused.getGradient().toFloatArray(), "the loss does not reach it");
                // the gradients stay ordinary libtorch tensors: in-place updates outside Graft's TorchScript work
                w.getGradient().addi(1f);
                assertEquals(expected[0][0] + 1f, w.getGradient().getFloat(0, 0), 1e-5f);
                w.subi(w.getGradient().mul(0.01f));
            }
        }
    }

    @Test
    void aGradientThatIsNotContiguousIsMadeContiguous() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.arange(12f).reshape(3, 4);
            w.setRequiresGradient(true);
            NDArray scale = m.arange(12f).reshape(4, 3);
            int copied;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // d/dw Σ (wᵀ ⊙ s) = sᵀ, which autograd hands back as a transposed view
                copied = FreshGradients.backward(w.transpose().mul(scale).sum(), List.of(w));
            }
            assertEquals(1, copied);
            assertArrayEquals(scale.transpose().toFloatArray(), w.getGradient().toFloatArray());
            assertEquals(new Shape(3, 4), w.getGradient().getShape());
            assertTrue(FusedAdamW.step(List.of(new FusedAdamW.Group(List.of(w), List.of(w.getGradient()),
                    List.of(m.zeros(w.getShape())), List.of(m.zeros(w.getShape())), 1, 0.1, 0.0)), 0.9, 0.999, 1e-8),
                    "the fused AdamW kernel, which takes only contiguous arrays, takes it");
        }
    }
}
