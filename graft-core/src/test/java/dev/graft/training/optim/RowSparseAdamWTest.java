package dev.graft.training.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.graft.model.torch.FreshGradients;
import dev.graft.model.torch.LazyRowDecay;
import dev.graft.model.torch.LookupTables;
import dev.graft.tensor.TensorData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * AdamW on a lookup table with a sparse, kept gradient (the word embeddings) against AdamW on a copy of it that gets a
 * dense gradient: the same weights and moments after every step, whether the step updates the active rows alone or, with
 * too many of them, the whole table.
 */
class RowSparseAdamWTest {

    private static AdamW adamW(Parameter table, Parameter b, NDManager state) {
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("table", table);
        params.put("b", b);
        return AdamW.of(params, List.of(new ParamGroup("decay", List.of("table"), 1.0, 0.05),
                new ParamGroup("no_decay", List.of("b"), 1.0, 0.0)), state);
    }

    /** Steps' looked-up rows; the sixth reaches 20 new rows, more than a quarter of the table with those before: dense. */
    private static final long[][] BATCHES = {
        {1, 2, 2, 3}, {5, 1, 9, 9}, {40, 41, 42, 1}, {7, 7, 7, 7}, {8, 7, 3, 3},
        {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29},
        {63, 0, 1, 2}};

    /** A 64-row table with a kept row gradient and a vector {@code b}, and copies of both for the dense reference. */
    private record Tables(Parameter table, Parameter b, Parameter denseTable, Parameter denseB) {
    }

    private static Tables tables(NDManager m, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        NDArray start = m.randomNormal(new Shape(64, 4));
        NDArray startB = m.randomNormal(new Shape(4));
        Tables t = new Tables(LookupTables.parameter("table", start.duplicate()), LookupTables.parameter("b", startB.duplicate()),
                LookupTables.parameter("table", start.duplicate()), LookupTables.parameter("b", startB.duplicate()));
        FreshGradients.keepRowGradient(t.table());
        return t;
    }

    /** The row-sparse side's weights (1e-6) and the table's moments (1e-7) equal the dense side's. */
    private static void assertSameAsDense(Tables t, AdamW sparse, AdamW dense, String when) {
        assertArrayEquals(t.denseTable().getArray().toFloatArray(), t.table().getArray().toFloatArray(), 1e-6f, "weights, " + when);
        assertArrayEquals(t.denseB().getArray().toFloatArray(), t.b().getArray().toFloatArray(), 1e-6f);
        Map<String, TensorData> s = sparse.exportState();
        Map<String, TensorData> d = dense.exportState();
        for (String k : List.of("slot0/table", "slot1/table")) {
            assertArrayEquals(d.get(k).data(), s.get(k).data(), 1e-7f, k + ", " + when);
        }
    }

    @Test
    void theTableEndsAsTheDenseUpdateLeavesIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            Tables t = tables(m, 21);
            Parameter table = t.table();
            Parameter b = t.b();
            Parameter denseTable = t.denseTable();
            Parameter denseB = t.denseB();
            AdamW sparse = adamW(table, b, m.newSubManager());
            AdamW dense = adamW(denseTable, denseB, m.newSubManager());
            long[][] batches = BATCHES;
            for (int step = 0; step < batches.length; step++) {
                long[] ids = batches[step];
                NDArray x = m.create(ids, new Shape(1, ids.length));
                LookupTables.pass(x, table, b, true);
                LookupTables.pass(x, denseTable, denseB, false);
                if (step == 2) {
                    // a write to rows no pass wrote (what L2-SP declares) between sparse steps: that step's update is
                    // dense, and the next one must find rows 50-52 active from their moments
                    for (NDArray g : List.of(table.getArray().getGradient(), denseTable.getArray().getGradient())) {
                        g.set(new NDIndex("50:53"), g.get("50:53").add(0.5f));
                    }
                    FreshGradients.gradientRewritten(table);
                }
                sparse.step(0.05);
                dense.step(0.05);
                assertSameAsDense(t, sparse, dense, "step " + step);
            }
        }
    }

    @Test
    void deferringTheIdleRowsDecayLeavesTheSameTableOnceSettled() {
        try (NDManager m = NDManager.newBaseManager()) {
            Tables t = tables(m, 22);
            Parameter table = t.table();
            Parameter b = t.b();
            Parameter denseTable = t.denseTable();
            Parameter denseB = t.denseB();
            LazyRowDecay.track(table);
            AdamW lazy = adamW(table, b, m.newSubManager());
            lazy.deferIdleRowDecay();
            AdamW dense = adamW(denseTable, denseB, m.newSubManager());
            long[][] batches = java.util.stream.Stream.concat(java.util.Arrays.stream(BATCHES), java.util.stream.Stream.of(
                    new long[] {50, 2, 1, 6})).toArray(long[][]::new);
            boolean deferred = false;
            for (int step = 0; step < batches.length; step++) {
                long[] ids = batches[step];
                NDArray x = m.create(ids, new Shape(1, ids.length));
                LazyRowDecay.bringUpToDate(table, x);
                // the rows this batch looks up read as the eagerly decayed table's before the pass uses them
                for (long id : ids) {
                    assertArrayEquals(denseTable.getArray().get(id).toFloatArray(), table.getArray().get(id).toFloatArray(),
                            1e-6f, "row " + id + " looked up at step " + step);
                }
                LookupTables.pass(x, table, b, true);
                LookupTables.pass(x, denseTable, denseB, false);
                lazy.step(0.05);
                dense.step(0.05);
                float[] row60 = table.getArray().get(60).toFloatArray();
                deferred |= Math.abs(row60[0] - denseTable.getArray().get(60).toFloatArray()[0]) > 1e-6f;
                if (step % 3 == 2 || step == batches.length - 1) {
                    LazyRowDecay.settle(List.of(table, b));
                    assertSameAsDense(t, lazy, dense, "once settled, step " + step);
                }
            }
            assertTrue(deferred, "row 60, never looked up, was not decayed until settled");
        }
    }
}
