package dev.graft.model.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.pickle.TorchFiles;
import dev.graft.tensor.safetensors.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny random checkpoints in each Hugging Face layout load into {@link BertModel} and compute what they should. */
class HfCheckpointsTest {

    private static final int VOCAB = 30;
    private static final int H = 8;
    private static final int HEADS = 2;
    private static final int INTER = 16;
    private static final int LAYERS = 2;
    private static final long[] IDS = {3, 17, 5, 9, 29, 1};

    @TempDir
    Path dir;

    /** Random weights under BERT names for a model with {@code positions} position rows and {@code types} types. */
    private static Map<String, TensorData> bertWeights(int positions, int types, long seed) {
        Random r = new Random(seed);
        Map<String, TensorData> w = new LinkedHashMap<>();
        put(w, r, "embeddings.word_embeddings.weight", VOCAB, H);
        put(w, r, "embeddings.position_embeddings.weight", positions, H);
        if (types > 0) {
            put(w, r, "embeddings.token_type_embeddings.weight", types, H);
        }
        put(w, r, "embeddings.LayerNorm.weight", H);
        put(w, r, "embeddings.LayerNorm.bias", H);
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            for (String m : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                put(w, r, p + m + ".weight", H, H);
                put(w, r, p + m + ".bias", H);
            }
            put(w, r, p + "attention.output.LayerNorm.weight", H);
            put(w, r, p + "attention.output.LayerNorm.bias", H);
            put(w, r, p + "intermediate.dense.weight", INTER, H);
            put(w, r, p + "intermediate.dense.bias", INTER);
            put(w, r, p + "output.dense.weight", H, INTER);
            put(w, r, p + "output.dense.bias", H);
            put(w, r, p + "output.LayerNorm.weight", H);
            put(w, r, p + "output.LayerNorm.bias", H);
        }
        return w;
    }

    private static void put(Map<String, TensorData> w, Random r, String name, long... shape) {
        float[] d = new float[(int) TensorData.elementCount(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (r.nextGaussian() * 0.5);
        }
        w.put(name, new TensorData(name, shape, d));
    }

    private static Map<String, TensorData> renamed(Map<String, TensorData> w, UnaryOperator<String> f) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (TensorData t : w.values()) {
            String n = f.apply(t.name());
            out.put(n, t.renamed(n));
        }
        return out;
    }

    private static void extra(Map<String, TensorData> w, String name, long... shape) {
        put(w, new Random(name.hashCode()), name, shape);
    }

    /** Loads the checkpoint in {@code modelDir} and runs {@link #IDS} through it. */
    private static float[] forward(HfCheckpoint c) {
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = new BertModel(c.config(), 0f);
            model.initialize(m);
            LoadReport report = HfCheckpoints.load(model, c);
            assertTrue(report.isClean(), report.toString());
            NDArray ids = m.create(IDS, new Shape(1, IDS.length));
            NDArray mask = m.ones(new Shape(1, IDS.length));
            NDArray out = model.forward(new ParameterStore(m, false), new NDList(ids, mask), false).singletonOrThrow();
            return out.toFloatArray();
        }
    }

    private static void assertClose(float[][] expected, float[] actual) {
        int i = 0;
        double worst = 0;
        for (float[] row : expected) {
            for (float e : row) {
                worst = Math.max(worst, Math.abs(e - actual[i++]));
            }
        }
        assertEquals(i, actual.length);
        assertTrue(worst < 1e-4, "max abs difference " + worst);
    }

    private Path config(String json) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("config.json"), json);
    }

    @Test
    void bertSafetensorsWithPrefixPoolerAndHeads() throws IOException {
        Map<String, TensorData> w = bertWeights(16, 2, 1);
        Map<String, TensorData> file = renamed(w, n -> "bert." + n);
        extra(file, "bert.pooler.dense.weight", H, H);
        extra(file, "bert.embeddings.position_ids", 1, 16);
        extra(file, "cls.predictions.bias", VOCAB);
        config("{\"model_type\":\"bert\",\"architectures\":[\"BertForMaskedLM\"],\"vocab_size\":30,\"hidden_size\":8,"
                + "\"num_hidden_layers\":2,\"num_attention_heads\":2,\"intermediate_size\":16,"
                + "\"max_position_embeddings\":16,\"type_vocab_size\":2,\"layer_norm_eps\":1e-12,\"hidden_act\":\"gelu\"}");
        SafeTensors.write(dir.resolve("model.safetensors"), file.values(), Map.of("format", "pt"));

        HfCheckpoint c = HfCheckpoints.read(dir);
        assertEquals(HfArchitecture.BERT, c.architecture());
        assertEquals(java.util.Set.of("bert.pooler.dense.weight", "bert.embeddings.position_ids", "cls.predictions.bias"),
                java.util.Set.copyOf(c.ignored()));
        float[][] expected = new ReferenceEncoder(w, HEADS, 1e-12).forward(IDS, 0, LAYERS, true);
        assertClose(expected, forward(c));
    }

    @Test
    void robertaPytorchBinUsesOffsetPositions() throws IOException {
        Map<String, TensorData> w = bertWeights(18, 1, 2);
        Map<String, TensorData> file = renamed(w, n -> "roberta." + n);
        extra(file, "lm_head.dense.weight", H, H);
        config("{\"model_type\":\"roberta\",\"vocab_size\":30,\"hidden_size\":8,\"num_hidden_layers\":2,"
                + "\"num_attention_heads\":2,\"intermediate_size\":16,\"max_position_embeddings\":18,"
                + "\"type_vocab_size\":1,\"layer_norm_eps\":1e-05,\"pad_token_id\":1}");
        TorchFiles.writeFloat32(dir.resolve("pytorch_model.bin"), file);

        HfCheckpoint c = HfCheckpoints.read(dir);
        assertEquals(HfArchitecture.ROBERTA, c.architecture());
        assertEquals(2, c.config().positionOffset());
        assertEquals(16, c.config().maxSequenceLength());
        assertEquals(List.of("lm_head.dense.weight"), c.ignored());
        float[][] expected = new ReferenceEncoder(w, HEADS, 1e-5).forward(IDS, 2, LAYERS, true);
        assertClose(expected, forward(c));
        // positions starting at 0 would give something else: the offset matters
        float[][] unshifted = new ReferenceEncoder(w, HEADS, 1e-5).forward(IDS, 0, LAYERS, true);
        assertTrue(Math.abs(unshifted[0][0] - expected[0][0]) > 1e-3);
    }

    @Test
    void distilbertNamesMapOntoBertAndTokenTypesAreZero() throws IOException {
        Map<String, TensorData> w = bertWeights(16, 0, 3);
        Map<String, String> modules = Map.of("attention.self.query", "attention.q_lin",
                "attention.self.key", "attention.k_lin", "attention.self.value", "attention.v_lin",
                "attention.output.dense", "attention.out_lin", "attention.output.LayerNorm", "sa_layer_norm",
                "intermediate.dense", "ffn.lin1", "output.dense", "ffn.lin2", "output.LayerNorm", "output_layer_norm");
        Map<String, TensorData> file = renamed(w, n -> {
            if (n.startsWith("embeddings.")) {
                return "distilbert." + n;
            }
            String[] parts = n.split("\\.", 4); // encoder, layer, N, rest
            String rest = parts[3];
            String module = rest.substring(0, rest.lastIndexOf('.'));
            return "distilbert.transformer.layer." + parts[2] + "." + modules.get(module)
                    + rest.substring(rest.lastIndexOf('.'));
        });
        extra(file, "vocab_projector.bias", VOCAB);
        extra(file, "pre_classifier.weight", H, H);
        config("{\"model_type\":\"distilbert\",\"vocab_size\":30,\"dim\":8,\"n_layers\":2,\"n_heads\":2,"
                + "\"hidden_dim\":16,\"max_position_embeddings\":16,\"activation\":\"gelu\"}");
        TorchFiles.writeFloat32(dir.resolve("pytorch_model.bin"), file);
        SafeTensors.write(dir.resolve("model.safetensors"), file.values(), Map.of());

        HfCheckpoint c = HfCheckpoints.read(dir);
        assertEquals(dir.resolve("model.safetensors"), c.weightsFile(), "safetensors is preferred");
        assertEquals(HfArchitecture.DISTILBERT, c.architecture());
        assertEquals(1, c.config().typeVocabSize());
        assertEquals(java.util.Set.of("vocab_projector.bias", "pre_classifier.weight"), java.util.Set.copyOf(c.ignored()));
        float[][] expected = new ReferenceEncoder(w, HEADS, 1e-12).forward(IDS, 0, LAYERS, false);
        assertClose(expected, forward(c));
    }

    @Test
    void reportsMissingAndMisShapedTensorsAndUnsupportedConfigs() throws IOException {
        Map<String, TensorData> w = bertWeights(16, 2, 4);
        w.remove("encoder.layer.1.output.dense.bias");
        extra(w, "encoder.layer.0.intermediate.dense.weight", H, INTER);
        extra(w, "encoder.layer.0.attention.self.rotary.weight", H);
        config("{\"model_type\":\"bert\",\"vocab_size\":30,\"hidden_size\":8,\"num_hidden_layers\":2,"
                + "\"num_attention_heads\":2,\"intermediate_size\":16,\"max_position_embeddings\":16}");
        SafeTensors.write(dir.resolve("model.safetensors"), w.values(), Map.of());
        HfCheckpoint c = HfCheckpoints.read(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel model = new BertModel(c.config());
            model.initialize(m);
            WeightLoadException e = assertThrows(WeightLoadException.class, () -> HfCheckpoints.load(model, c));
            String msg = e.getMessage();
            assertTrue(msg.contains("missing 1 [encoder.layer.1.output.dense.bias]"), msg);
            assertTrue(msg.contains("unexpected 1 [encoder.layer.0.attention.self.rotary.weight]"), msg);
            assertTrue(msg.contains("encoder.layer.0.intermediate.dense.weight: expected [16, 8] but got [8, 16]"), msg);
        }

        config("{\"model_type\":\"gpt2\"}");
        IOException e = assertThrows(IOException.class, () -> HfCheckpoints.read(dir));
        assertTrue(e.getMessage().contains("model_type 'gpt2'") && e.getMessage().contains("distilbert"), e.getMessage());
        config("{\"model_type\":\"bert\",\"hidden_act\":\"relu\"}");
        e = assertThrows(IOException.class, () -> HfCheckpoints.read(dir));
        assertTrue(e.getMessage().contains("hidden_act 'relu'"), e.getMessage());
    }
}
