package dev.graft.model.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Forward/backward through a tiny random {@link BertModel}. */
class BertTrainingTest {

    private static NDList batch(NDManager m, int seqLen) {
        long[] ids = new long[2 * seqLen];
        long[] mask = new long[2 * seqLen];
        long[] types = new long[2 * seqLen];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1 + (i * 7) % 49;
            boolean secondRowPadding = i >= seqLen && i - seqLen >= seqLen - 2;
            mask[i] = secondRowPadding ? 0 : 1;
            types[i] = (i % seqLen) >= seqLen / 2 ? 1 : 0;
        }
        Shape s = new Shape(2, seqLen);
        return new NDList(m.create(ids, s), m.create(mask, s), m.create(types, s));
    }

    @Test
    void gradientsReachEveryParameterThroughTrainer() {
        BertModel block = new BertModel(TinyBert.CONFIG, 0.1f);
        try (Model model = Model.newInstance("tiny-bert")) {
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
                Shape s = new Shape(2, 6);
                trainer.initialize(s, s, s);
                try (NDManager step = trainer.getManager().newSubManager()) {
                    NDList in = batch(step, 6);
                    NDArray weights = step.randomNormal(new Shape(2, 6, 8));
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray hidden = trainer.forward(in).singletonOrThrow();
                        assertEquals(new Shape(2, 6, 8), hidden.getShape());
                        NDArray pooled = BertModel.meanPool(hidden, in.get(1));
                        NDArray loss = hidden.mul(weights).sum().add(pooled.square().sum());
                        gc.backward(loss);
                    }
                    // The key bias adds q.b_k to every score of a query row, which softmax ignores: its
                    // gradient is zero in exact arithmetic (also in PyTorch); only rounding noise reaches it.
                    List<String> noGradient = new ArrayList<>();
                    for (Map.Entry<String, Parameter> e : block.namedParameters().entrySet()) {
                        NDArray g = e.getValue().getArray().getGradient();
                        assertEquals(e.getValue().getArray().getShape(), g.getShape());
                        float norm = g.abs().sum().getFloat();
                        if (e.getKey().endsWith("attention.self.key.bias")) {
                            assertTrue(norm < 1e-4f, e.getKey() + " gradient " + norm);
                        } else if (!(norm > 0f) || Float.isNaN(norm)) {
                            noGradient.add(e.getKey() + "=" + norm);
                        }
                    }
                    assertTrue(noGradient.isEmpty(), "no gradient for " + noGradient);
                    assertEquals(37, block.namedParameters().size());
                }
            }
        }
    }

    @Test
    void dropoutOnlyInTrainingAndVariableLengths() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = new BertModel(TinyBert.CONFIG, 0.5f);
            model.initialize(m);
            for (int len : new int[] {3, 7, 12}) {
                try (NDManager step = m.newSubManager()) {
                    ParameterStore ps = new ParameterStore(step, false);
                    NDList in = batch(step, len);
                    NDArray a = model.forward(ps, in, false).singletonOrThrow();
                    NDArray b = model.forward(ps, in, false).singletonOrThrow();
                    assertEquals(new Shape(2, len, 8), a.getShape());
                    assertEquals(0f, a.sub(b).abs().max().getFloat(), "inference is deterministic");
                    NDArray c = model.forward(ps, in, true).singletonOrThrow();
                    assertTrue(a.sub(c).abs().max().getFloat() > 1e-3f, "dropout acts in training");
                    assertEquals(step, a.getManager(), "outputs live in the caller's manager");
                }
            }
        }
    }

    @Test
    void paddingDoesNotChangeRealTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = new BertModel(TinyBert.CONFIG);
            model.initialize(m);
            try (NDManager step = m.newSubManager()) {
                ParameterStore ps = new ParameterStore(step, false);
                long[] ids = {5, 9, 13, 2};
                NDArray alone = model.forward(ps, new NDList(step.create(ids, new Shape(1, 4)),
                        step.ones(new Shape(1, 4), DataType.INT64)), false).singletonOrThrow();
                long[] padded = {5, 9, 13, 2, 0, 0, 0};
                long[] mask = {1, 1, 1, 1, 0, 0, 0};
                NDArray withPad = model.forward(ps, new NDList(step.create(padded, new Shape(1, 7)),
                        step.create(mask, new Shape(1, 7))), false).singletonOrThrow();
                float diff = withPad.get(":, 0:4, :").sub(alone).abs().max().getFloat();
                assertTrue(diff < 1e-5f, "padding changed real tokens by " + diff);
                NDArray p1 = BertModel.meanPool(alone, step.ones(new Shape(1, 4)));
                NDArray p2 = BertModel.meanPool(withPad, step.create(mask, new Shape(1, 7)));
                assertTrue(p1.sub(p2).abs().max().getFloat() < 1e-5f);
                NDArray allMasked = BertModel.meanPool(withPad, step.zeros(new Shape(1, 7)));
                assertFalse(Float.isNaN(allMasked.sum().getFloat()), "clamped count avoids NaN");
            }
        }
    }

    @Test
    void forwardAttachesNothingToTheParameterManager() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = new BertModel(TinyBert.CONFIG);
            model.initialize(m);
            int before = resourceCount(m);
            for (int i = 0; i < 3; i++) {
                try (NDManager step = m.newSubManager()) {
                    ParameterStore ps = new ParameterStore(step, false);
                    NDList in = batch(step, 5);
                    try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        NDArray h = model.forward(ps, in, true).singletonOrThrow();
                        gc.backward(BertModel.meanPool(h, in.get(1)).sum());
                    }
                    model.forward(ps, in, false);
                }
            }
            assertEquals(before, resourceCount(m), "arrays leaked into the parameter manager");
            model.namedParameters().get("embeddings.LayerNorm.bias").getArray().add(1f);
            assertEquals(before + 1, resourceCount(m), "the probe does see arrays attached to the manager");
        }
    }

    private static int resourceCount(NDManager m) throws ReflectiveOperationException {
        var field = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
        field.setAccessible(true);
        return ((Map<?, ?>) field.get(m)).size();
    }
}
