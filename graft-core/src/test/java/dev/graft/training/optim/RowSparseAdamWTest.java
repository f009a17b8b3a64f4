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

    @Test
    void theTableEndsAsTheDenseUpdateLeavesIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(21);
            NDArray start = m.randomNormal(new Shape(64, 4));
            NDArray startB = m.randomNormal(new Shape(4));
            Parameter table = LookupTables.parameter("table", start.duplicate());
            Parameter b = LookupTables.parameter("b", startB.duplicate());
            Parameter denseTable = LookupTables.parameter("table", start.duplicate());
            Parameter denseB = LookupTables.parameter("b", startB.duplicate());
            FreshGradients.keepRowGradient(table);
            AdamW sparse = adamW(table, b, m.newSubManager());
            AdamW dense = adamW(denseTable, denseB, m.newSubManager());
            long[][] batches = {
                {1, 2, 2, 3}, {5, 1, 9, 9}, {40, 41, 42, 1}, {7, 7, 7, 7}, {8, 7, 3, 3},
                // 20 new rows: with those active before, more than a quarter of the table: the dense kernel
                {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29},
                {63, 0, 1, 2}};
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
                assertArrayEquals(denseTable.getArray().toFloatArray(), table.getArray().toFloatArray(), 1e-6f,
                        "weights, step " + step);
                assertArrayEquals(denseB.getArray().toFloatArray(), b.getArray().toFloatArray(), 1e-6f);
                Map<String, TensorData> s = sparse.exportState();
                Map<String, TensorData> d = dense.exportState();
                for (String k : List.of("slot0/table", "slot1/table")) {
                    assertArrayEquals(d.get(k).data(), s.get(k).data(), 1e-7f, k + ", step " + step);
                }
            }
        }
    }

    @Test
    void deferringTheIdleRowsDecayLeavesTheSameTableOnceSettled() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(22);
            NDArray start = m.randomNormal(new Shape(64, 4));
            NDArray startB = m.randomNormal(new Shape(4));
            Parameter table = LookupTables.parameter("table", start.duplicate());
            Parameter b = LookupTables.parameter("b", startB.duplicate());
            Parameter denseTable = LookupTables.parameter("table", start.duplicate());
            Parameter denseB = LookupTables.parameter("b", startB.duplicate());
            FreshGradients.keepRowGradient(table);
            LazyRowDecay.track(table);
            AdamW lazy = adamW(table, b, m.newSubManager());
            lazy.deferIdleRowDecay();
            AdamW dense = adamW(denseTable, denseB, m.newSubManager());
            long[][] batches = {{1, 2, 2, 3}, {5, 1, 9, 9}, {40, 41, 42, 1}, {7, 7, 7, 7}, {8, 7, 3, 3},
                {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}, {63, 0, 1, 2}, {50, 2, 1, 6}};
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
                    assertArrayEquals(denseTable.getArray().toFloatArray(), table.getArray().toFloatArray(), 1e-6f,
                            "weights once settled, step " + step);
                    assertArrayEquals(denseB.getArray().toFloatArray(), b.getArray().toFloatArray(), 1e-6f);
                    Map<String, TensorData> s = lazy.exportState();
                    Map<String, TensorData> d = dense.exportState();
                    for (String k : List.of("slot0/table", "slot1/table")) {
                        assertArrayEquals(d.get(k).data(), s.get(k).data(), 1e-7f, k + ", step " + step);
                    }
                }
            }
            assertTrue(deferred, "row 60, never looked up, was not decayed until settled");
        }
    }
}
