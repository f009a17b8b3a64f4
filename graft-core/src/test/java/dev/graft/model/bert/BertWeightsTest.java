package dev.graft.model.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.tensor.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loading named tensors into a {@link BertModel} and reporting what does not fit. */
class BertWeightsTest {

    @Test
    void namesFollowHuggingFaceInModuleOrder() {
        BertModel model = new BertModel(TinyBert.CONFIG);
        List<String> names = new ArrayList<>(model.namedParameters().keySet());
        assertEquals(List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
                "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.query.bias",
                "encoder.layer.0.attention.self.key.weight", "encoder.layer.0.attention.self.key.bias",
                "encoder.layer.0.attention.self.value.weight", "encoder.layer.0.attention.self.value.bias",
                "encoder.layer.0.attention.output.dense.weight", "encoder.layer.0.attention.output.dense.bias",
                "encoder.layer.0.attention.output.LayerNorm.weight", "encoder.layer.0.attention.output.LayerNorm.bias",
                "encoder.layer.0.intermediate.dense.weight", "encoder.layer.0.intermediate.dense.bias",
                "encoder.layer.0.output.dense.weight", "encoder.layer.0.output.dense.bias",
                "encoder.layer.0.output.LayerNorm.weight", "encoder.layer.0.output.LayerNorm.bias"),
                names.subList(0, 21));
        assertEquals(5 + 16 * 2, names.size());
        assertEquals(2, model.numLayers());
        assertEquals(model.layers().get(1).namedParameters().size(), 16);
        // every DJL parameter is reachable under a Hugging Face name and vice versa
        assertEquals(model.getParameters().size(), names.size());
    }

    @Test
    void roundTripLoadsEveryTensor() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel source = new BertModel(TinyBert.CONFIG);
            source.initialize(m);
            BertModel target = new BertModel(TinyBert.CONFIG);
            target.initialize(m);
            Map<String, TensorData> w = TinyBert.export(source);
            assertNotEquals(w.get("encoder.layer.1.output.dense.weight").data()[0],
                    target.namedParameters().get("encoder.layer.1.output.dense.weight").getArray().toFloatArray()[0]);
            LoadReport r = BertWeights.load(target, w);
            assertTrue(r.isClean());
            assertEquals(37, r.loaded().size());
            assertArrayEquals(w.get("encoder.layer.1.output.dense.weight").data(),
                    target.namedParameters().get("encoder.layer.1.output.dense.weight").getArray().toFloatArray());
            assertTrue(target.namedParameters().get("embeddings.word_embeddings.weight").getArray().hasGradient(),
                    "loaded parameters stay trainable");
        }
    }

    @Test
    void strictLoadNamesMissingUnexpectedAndMisShapedTensors() {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = new BertModel(TinyBert.CONFIG);
            model.initialize(m);
            Map<String, TensorData> w = TinyBert.export(model);
            w.remove("encoder.layer.1.attention.self.key.bias");
            w.put("encoder.layer.0.intermediate.dense.weight",
                    new TensorData("encoder.layer.0.intermediate.dense.weight", new long[] {8, 16}, new float[128]));
            w.put("pooler.dense.bias", new TensorData("pooler.dense.bias", new long[] {8}, new float[8]));
            float before = model.namedParameters().get("embeddings.LayerNorm.bias").getArray().toFloatArray()[0];
            w.get("embeddings.LayerNorm.bias").data()[0] = 42f;

            WeightLoadException e = assertThrows(WeightLoadException.class, () -> BertWeights.load(model, w));
            String msg = e.getMessage();
            System.out.println(msg);
            assertTrue(msg.contains("encoder.layer.1.attention.self.key.bias"), msg);
            assertTrue(msg.contains("encoder.layer.0.intermediate.dense.weight: expected [16, 8] but got [8, 16]"), msg);
            assertTrue(msg.contains("pooler.dense.bias"), msg);
            LoadReport r = e.report();
            assertEquals(List.of("encoder.layer.1.attention.self.key.bias"), r.missing());
            assertEquals(List.of("pooler.dense.bias"), r.unexpected());
            assertEquals(1, r.mismatched().size());
            assertArrayEquals(new long[] {16, 8}, r.mismatched().get(0).expected());
            assertArrayEquals(new long[] {8, 16}, r.mismatched().get(0).actual());
            assertEquals(before, model.namedParameters().get("embeddings.LayerNorm.bias").getArray().toFloatArray()[0],
                    "a failed strict load copies nothing");

            LoadReport lenient = BertWeights.load(model, w, false);
            assertFalse(lenient.isClean());
            assertEquals(35, lenient.loaded().size());
            assertEquals(42f, model.namedParameters().get("embeddings.LayerNorm.bias").getArray().toFloatArray()[0]);
        }
    }

    @Test
    void loadingIntoUninitialisedModelFails() {
        BertModel model = new BertModel(TinyBert.CONFIG);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BertWeights.load(model, Map.of()));
        assertTrue(e.getMessage().contains("not initialised"), e.getMessage());
    }
}
