package dev.graft.model.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.model.ArrayCopies;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertModel;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeftModulesTest {

    private static final BertConfig CONFIG = new BertConfig(50, 16, 2, 2, 32, 16, 2, 1e-12);

    private static BertModel model(NDManager m) {
        Engine.getInstance().setRandomSeed(7);
        BertModel model = new BertModel(CONFIG, 0.1f);
        model.initialize(m);
        return model;
    }

    /** Inference-mode hidden states for a fixed batch of two texts (the second padded). */
    private static float[] hidden(BertModel model, NDManager m) {
        try (NDManager step = m.newSubManager()) {
            long[] ids = {2, 7, 9, 11, 3, 2, 5, 8, 0, 0};
            long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
            NDList in = new NDList(step.create(ids, new Shape(2, 5)), step.create(mask, new Shape(2, 5)));
            return model.forward(new ParameterStore(step, false), in, false).singletonOrThrow().toFloatArray();
        }
    }

    private static void randomise(Parameter p, long seed, float scale) {
        Random r = new Random(seed);
        float[] v = new float[(int) p.getArray().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        ArrayCopies.copyInto(p.getArray(), v);
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void loraStartsExactlyAsThePretrainedModelAndNamesItsParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m);
            Map<String, Parameter> before = model.namedParameters();
            float[] plain = hidden(model, m);
            PeftModules lora = PeftModules.attach(model, PeftSpec.lora(), m);
            assertArrayEquals(plain, hidden(model, m), "B = 0: the decorated model computes the pretrained function");
            assertEquals(before.keySet(), model.namedParameters().keySet(), "the BERT's own names stay the pretrained ones");
            assertEquals(List.of("encoder.layer.0.attention.self.query.lora_A.weight", "encoder.layer.0.attention.self.query.lora_B.weight",
                    "encoder.layer.0.attention.self.value.lora_A.weight", "encoder.layer.0.attention.self.value.lora_B.weight"),
                    lora.namedParameters().keySet().stream().limit(4).toList());
            // rank 8 on query and value in 2 layers: (8·16 + 16·8) per target
            assertEquals(2L * 2 * (8 * 16 + 16 * 8), lora.parameterCount());
            assertThrows(IllegalStateException.class, () -> PeftModules.attach(model, PeftSpec.lora(), m), "attach once");
        }
    }

    @Test
    void mergingFoldsTheUpdateIntoTheWeightsAndComputesTheSameFunction() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m);
            float[] pretrained = hidden(model, m);
            PeftSpec spec = PeftSpec.lora().withLora(4, 8, 0.1, List.of(LoraTarget.values()));
            PeftModules lora = PeftModules.attach(model, spec, m);
            long seed = 1;
            for (Parameter p : lora.namedParameters().values()) {
                randomise(p, seed++, 0.3f);
            }
            float[] decorated = hidden(model, m);
            assertTrue(maxDiff(pretrained, decorated) > 1e-2, "trained-looking LoRA changes the output");
            String q = "encoder.layer.1.attention.self.query";
            float[] w0 = model.namedParameters().get(q + ".weight").getArray().toFloatArray();
            float[] a = lora.namedParameters().get(q + ".lora_A.weight").getArray().toFloatArray();
            float[] b = lora.namedParameters().get(q + ".lora_B.weight").getArray().toFloatArray();
            lora.merge();
            float[] w1 = model.namedParameters().get(q + ".weight").getArray().toFloatArray();
            // W' = W + (alpha/r)·B·A, element [o=3, i=5] by hand
            double s = 0;
            for (int k = 0; k < 4; k++) {
                s += b[3 * 4 + k] * a[k * 16 + 5];
            }
            assertEquals(w0[3 * 16 + 5] + 2.0 * s, w1[3 * 16 + 5], 1e-5);
            assertNull(model.layers().get(1).linears().get("attention.self.query").delta(), "decorations are removed");
            double diff = maxDiff(decorated, hidden(model, m));
            assertTrue(diff <= 1e-5, "merged vs decorated max abs difference " + diff);
            assertThrows(IllegalStateException.class, lora::merge, "merging twice would add the update twice");
        }
    }

    @Test
    void adaptersStartNearTheIdentityAndCannotBeMerged() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = model(m);
            float[] plain = hidden(model, m);
            PeftModules adapters = PeftModules.attach(model, PeftSpec.adapter().withAdapterSize(4), m);
            double diff = maxDiff(plain, hidden(model, m));
            assertTrue(diff > 0 && diff < 1e-2, "near, not exactly, the pretrained output: " + diff);
            assertEquals(2 * 2 * (4 * 16 + 4 + 16 * 4 + 16), adapters.parameterCount(), "2 sites × 2 layers");
            assertTrue(adapters.namedParameters().containsKey("encoder.layer.0.attention.output.dense.adapter.down.weight"));
            assertTrue(adapters.namedParameters().containsKey("encoder.layer.1.output.dense.adapter.up.bias"));
            assertFalse(adapters.mergeable());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, adapters::merge);
            assertTrue(e.getMessage().contains("cannot be merged"), e.getMessage());
        }
    }

    @Test
    void layerNormsTrainOnlyWhenTheSpecSaysSo() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(PeftModules.attach(model(m), PeftSpec.lora(), m).trainedBaseParameters().isEmpty());
            PeftModules withNorms = PeftModules.attach(model(m), PeftSpec.adapter().withTrainLayerNorms(true), m);
            // embeddings + 2 per layer, weight and bias each
            assertEquals(2 * (1 + 2 * 2), withNorms.trainedBaseParameters().size());
            assertTrue(withNorms.trainedBaseParameters().stream().allMatch(n -> n.contains("LayerNorm")));
            assertEquals(withNorms.namedParameters().size() + 10, withNorms.tensors().size(), "saved with the new parameters");
        }
    }

    @Test
    void specRejectsBadSettingsAndParsesTargets() {
        assertEquals(List.of(LoraTarget.QUERY, LoraTarget.KEY, LoraTarget.OUTPUT),
                List.copyOf(LoraTarget.parseList("output, key,query")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraTarget.parseList("query,ffn"));
        assertTrue(e.getMessage().contains("'ffn'") && e.getMessage().contains("attention-output"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeftSpec.lora().withLora(0, 16, 0.1, PeftSpec.DEFAULT_TARGETS));
        assertThrows(IllegalArgumentException.class, () -> PeftSpec.lora().withLora(8, 16, 1.0, PeftSpec.DEFAULT_TARGETS));
        assertThrows(IllegalArgumentException.class, () -> PeftSpec.adapter().withAdapterSize(0));
        assertEquals(2.0, PeftSpec.lora().scale());
    }
}
