package dev.graft.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
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

    /** The dense gradients of {@link LookupTables#loss} by DJL's accumulating backward on fresh copies. */
    private static float[][] lookupReference(NDArray ids, NDArray table, NDArray b) {
        NDArray t2 = table.duplicate();
        NDArray b2 = b.duplicate();
        t2.setRequiresGradient(true);
        b2.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(LookupTables.loss(ids, t2, b2, false));
        }
        return new float[][] {t2.getGradient().toFloatArray(), b2.getGradient().toFloatArray()};
    }

    @Test
    void aKeptTableGetsTheDenseGradientEveryPassAndClearsOnlyTheRowsItWrote() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            Parameter table = LookupTables.parameter("table", m.randomNormal(new Shape(40, 3)));
            Parameter bias = LookupTables.parameter("b", m.randomNormal(new Shape(3)));
            FreshGradients.keepRowGradient(table);
            long[][] batches = {{3, 7, 7, 12, 0}, {5, 3, 39, 39, 39}, {21, 22, 23, 24, 25}, {7, 7, 7, 7, 7}};
            for (int step = 0; step < batches.length; step++) {
                NDArray ids = m.create(batches[step], new Shape(1, 5));
                float[][] expected = lookupReference(ids, table.getArray(), bias.getArray());
                LookupTables.pass(ids, table, bias, true);
                assertArrayEquals(expected[0], table.getArray().getGradient().toFloatArray(), 1e-5f,
                        "every row, last pass's rows zero again, step " + step);
                assertArrayEquals(expected[1], bias.getArray().getGradient().toFloatArray(), 1e-5f, "b, step " + step);
                table.getArray().subi(table.getArray().getGradient().mul(0.1f));
            }
        }
    }

    @Test
    void aKeptTableGradientWrittenElsewhereIsRebuiltWholeOnceDeclared() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(12);
            Parameter table = LookupTables.parameter("table", m.randomNormal(new Shape(30, 2)));
            Parameter bias = LookupTables.parameter("b", m.randomNormal(new Shape(2)));
            FreshGradients.keepRowGradient(table);
            NDArray first = m.create(new long[] {1, 2, 3}, new Shape(1, 3));
            NDArray second = m.create(new long[] {4, 5, 6}, new Shape(1, 3));
            LookupTables.pass(first, table, bias, true);
            // a pull toward anchors writes every row (L2-SP): undeclared, it would outlive the next pass (the array is
            // kept), declared, the next pass starts from zeroes
            table.getArray().getGradient().addi(1f);
            float[] expected = lookupReference(second, table.getArray(), bias.getArray())[0];
            LookupTables.pass(second, table, bias, true);
            float[] stale = table.getArray().getGradient().toFloatArray();
            assertEquals(expected[0] + 1f, stale[0], 1e-5f, "row 0 was not written by either pass: the array was kept");
            assertEquals(expected[2 * 4], stale[2 * 4], 1e-5f, "the pass's own rows are exact");
            table.getArray().getGradient().addi(1f);
            FreshGradients.gradientRewritten(table);
            LookupTables.pass(second, table, bias, true);
            assertArrayEquals(expected, table.getArray().getGradient().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void aKeptTableAlsoUsedDenselyGetsTheDenseSumThenGoesBackToRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(13);
            Parameter table = LookupTables.parameter("table", m.randomNormal(new Shape(20, 3)));
            Parameter bias = LookupTables.parameter("b", m.randomNormal(new Shape(3)));
            FreshGradients.keepRowGradient(table);
            NDArray ids = m.create(new long[] {2, 9, 9}, new Shape(1, 3));
            NDArray t = table.getArray();
            // tied weights (a masked-LM decoder): the lookup's sparse gradient plus a dense one over every row
            NDArray t2 = t.duplicate();
            t2.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(LookupTables.loss(ids, t2, bias.getArray().duplicate(), false).add(t2.square().sum()));
            }
            float[] tied = t2.getGradient().toFloatArray();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                FreshGradients.backwardTrainable(LookupTables.loss(ids, t, bias.getArray(), true).add(t.square().sum()), List.of(table, bias));
            }
            assertArrayEquals(tied, t.getGradient().toFloatArray(), 1e-5f);
            NDArray other = m.create(new long[] {4, 5, 6}, new Shape(1, 3));
            float[] expected = lookupReference(other, t, bias.getArray())[0];
            LookupTables.pass(other, table, bias, true);
            assertArrayEquals(expected, t.getGradient().toFloatArray(), 1e-5f, "no row of the dense pass is left");
        }
    }

    @Test
    void theNormAndClippingOfAKeptTableTouchOnlyItsWrittenRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(14);
            Parameter table = LookupTables.parameter("table", m.randomNormal(new Shape(25, 3)));
            Parameter bias = LookupTables.parameter("b", m.randomNormal(new Shape(3)));
            FreshGradients.keepRowGradient(table);
            for (long[] batch : new long[][] {{1, 4, 4, 9}, {2, 3, 24, 24}}) {
                NDArray ids = m.create(batch, new Shape(1, batch.length));
                LookupTables.pass(ids, table, bias, true);
                NDArray g = table.getArray().getGradient();
                NDArray gb = bias.getArray().getGradient();
                NDArray denseG = g.duplicate();
                NDArray denseB = gb.duplicate();
                double expected = GradientNorm.clip(List.of(denseG, denseB), 0.5);
                assertTrue(expected > 0.5, "the case clips");
                List<NDArray> rows = java.util.Arrays.asList(FreshGradients.writtenRows(table), FreshGradients.writtenRows(bias));
                assertEquals(null, rows.get(1), "an ordinary parameter has no rows");
                assertEquals(expected, GradientNorm.clip(List.of(g, gb), rows, 0.5), 1e-5 * expected);
                assertArrayEquals(denseG.toFloatArray(), g.toFloatArray(), 1e-6f, "scaled like the whole array");
                assertArrayEquals(denseB.toFloatArray(), gb.toFloatArray(), 1e-6f);
            }
            // only the written rows are read: a value elsewhere (which nothing declared) is not seen
            NDArray g = table.getArray().getGradient();
            double before = GradientNorm.clip(List.of(g), java.util.Arrays.asList(FreshGradients.writtenRows(table)), 0);
            g.set(new ai.djl.ndarray.index.NDIndex("0, 0"), 100f);
            assertEquals(before, GradientNorm.clip(List.of(g), java.util.Arrays.asList(FreshGradients.writtenRows(table)), 0),
                    1e-6 * before);
            assertTrue(GradientNorm.clip(List.of(g), 0) > 99, "the whole array is read without rows");
        }
    }
}
