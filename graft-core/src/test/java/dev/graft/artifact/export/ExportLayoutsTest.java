package dev.graft.artifact.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.Versions;
import dev.graft.data.LabelMap;
import dev.graft.model.ArrayCopies;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertModel;
import dev.graft.model.bert.HfArchitecture;
import dev.graft.model.bert.HfCheckpoint;
import dev.graft.model.bert.HfCheckpoints;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadArrays;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.peft.LoraTarget;
import dev.graft.model.peft.PeftModules;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.task.RegressionTask;
import dev.graft.task.Task;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import dev.graft.training.Learner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face and PEFT export layouts, written from real models on the bundled MiniLM and read back: tensor names
 * and shapes as {@code BertForSequenceClassification} and PEFT name them (checked through Graft's own Hugging Face
 * checkpoint reader), values equal to Graft's (LoRA merged as {@code W + (alpha/r)·B·A}), the JSON fields of
 * {@code config.json}, {@code adapter_config.json} and the tokenizer files, and the encoder read back from the export
 * giving Graft's predictions when pooled as Graft pools.
 */
class ExportLayoutsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TEXTS = List.of("A wonderful, moving book.", "Dull and far too long.", "ok");

    @TempDir
    Path tmp;

    private static Provenance provenance(String strategy) {
        return new Provenance("2026-01-01T00:00:00Z", strategy, 1, Map.of(), Map.of(), Map.of(), Versions.all(), Map.of(), List.of());
    }

    /** A LoRA model on MiniLM (query and the feed-forward output, r 4, alpha 8) with random non-zero updates, saved. */
    private Path loraModel(Map<String, float[]> loraValues) throws Exception {
        Learner.seed(21);
        NDManager m = NDManager.newBaseManager();
        TextModelSpec spec = TextModels.resolve("minilm");
        BertModel bert = BertBackbone.fromOnnx(spec.onnxFile(), m, 0f);
        PeftModules peft = PeftModules.attach(bert, PeftSpec.lora().withLora(4, 8, 0.1, List.of(LoraTarget.QUERY, LoraTarget.OUTPUT)), m);
        Random r = new Random(4);
        for (Map.Entry<String, Parameter> e : peft.savedParameters().entrySet()) {
            float[] v = new float[(int) e.getValue().getArray().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.05);
            }
            ArrayCopies.copyInto(e.getValue().getArray(), v);
            loraValues.put(e.getKey(), v);
        }
        ClassifierHead head = new ClassifierHead(new HeadConfig(384, 2, 0, 0.1));
        head.initialize(m);
        Path dir = tmp.resolve("lora-model");
        try (TextClassifier c = TextClassifier.parameterEfficient(DjlTextEncoder.wrap(spec, bert, 32), peft, head,
                LabelMap.of(List.of("neg", "pos")), m)) {
            c.save(dir, provenance("lora"), Map.of());
        }
        return dir;
    }

    @Test
    void aLoraModelExportsAsPeftAdapterAndAsMergedTransformersModel() throws Exception {
        Map<String, float[]> lora = new HashMap<>();
        Path model = loraModel(lora);
        HeadArrays head;
        float[][] graft;
        try (TextClassifier loaded = TextClassifier.load(model)) {
            head = HeadArrays.of(loaded.head());
            graft = loaded.probabilities(TEXTS);
        }

        // PEFT layout
        Path peftOut = tmp.resolve("peft");
        int written = PeftExport.write(model, peftOut);
        assertEquals(lora.size() + 2, written);
        JsonNode ac = JSON.readTree(peftOut.resolve(PeftExport.CONFIG_FILE).toFile());
        assertEquals("LORA", ac.get("peft_type").asText());
        assertEquals("SEQ_CLS", ac.get("task_type").asText());
        assertEquals(4, ac.get("r").asInt());
        assertEquals(8.0, ac.get("lora_alpha").asDouble());
        assertEquals(0.1, ac.get("lora_dropout").asDouble());
        assertEquals("none", ac.get("bias").asText());
        assertEquals(TextModels.resolve("minilm").id(), ac.get("base_model_name_or_path").asText());
        assertEquals("classifier", ac.get("modules_to_save").get(0).asText());
        Pattern targets = Pattern.compile(ac.get("target_modules").asText()); // PEFT: re.fullmatch on module names
        assertTrue(targets.matcher("bert.encoder.layer.5.attention.self.query").matches());
        assertTrue(targets.matcher("bert.encoder.layer.0.output.dense").matches());
        assertFalse(targets.matcher("bert.encoder.layer.0.attention.output.dense").matches(), "output.dense only in the feed-forward");
        assertFalse(targets.matcher("bert.encoder.layer.0.attention.self.value").matches());
        try (SafeTensorsFile st = SafeTensors.open(peftOut.resolve(PeftExport.WEIGHTS_FILE))) {
            Set<String> expected = lora.keySet().stream().map(n -> "base_model.model.bert." + n).collect(Collectors.toSet());
            expected.add("base_model.model.classifier.weight");
            expected.add("base_model.model.classifier.bias");
            assertEquals(expected, Set.copyOf(st.names()));
            TensorData a = st.tensor("base_model.model.bert.encoder.layer.2.attention.self.query.lora_A.weight");
            TensorData b = st.tensor("base_model.model.bert.encoder.layer.2.output.dense.lora_B.weight");
            assertArrayEquals(new long[] {4, 384}, a.shape(), "lora_A is [r, in]");
            assertArrayEquals(new long[] {384, 4}, b.shape(), "lora_B is [out, r]");
            assertArrayEquals(new long[] {4, 1536}, st.tensor("base_model.model.bert.encoder.layer.2.output.dense.lora_A.weight").shape());
            assertArrayEquals(lora.get("encoder.layer.2.attention.self.query.lora_A.weight"), a.data(), 0f);
            assertArrayEquals(head.tensors().get(0).data(), st.tensor("base_model.model.classifier.weight").data(), 0f);
        }

        // Transformers layout, LoRA merged
        Path hfOut = tmp.resolve("hf");
        HfExport.Result result = HfExport.write(model, hfOut);
        assertTrue(result.notes().stream().anyMatch(n -> n.contains("DO NOT match")), result.notes().toString());
        JsonNode config = JSON.readTree(hfOut.resolve("config.json").toFile());
        assertEquals("BertForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals("bert", config.get("model_type").asText());
        assertEquals("neg", config.get("id2label").get("0").asText());
        assertEquals(1, config.get("label2id").get("pos").asInt());
        assertEquals("single_label_classification", config.get("problem_type").asText());
        assertEquals(384, config.get("hidden_size").asInt());
        assertEquals(6, config.get("num_hidden_layers").asInt());
        assertEquals(0, config.get("pad_token_id").asInt());
        JsonNode tc = JSON.readTree(hfOut.resolve("tokenizer_config.json").toFile());
        assertEquals("[CLS]", tc.get("cls_token").asText());
        assertEquals("[SEP]", tc.get("sep_token").asText());
        assertEquals("[PAD]", tc.get("pad_token").asText());
        assertEquals("[MASK]", tc.get("mask_token").asText());
        assertEquals(128, tc.get("model_max_length").asInt());
        assertEquals(-1, Files.mismatch(TextModels.resolve("minilm").tokenizerFile(), hfOut.resolve("tokenizer.json")));
        assertTrue(Files.readString(hfOut.resolve("README.md")).contains("DO NOT match"));

        HfCheckpoint read = HfCheckpoints.read(hfOut); // Graft's own Hugging Face reader: names, shapes, config
        assertEquals(HfArchitecture.BERT, read.architecture());
        assertTrue(read.ignored().containsAll(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight",
                "classifier.bias")), read.ignored().toString());
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel pretrained = BertBackbone.fromOnnx(TextModels.resolve("minilm").onnxFile(), m, 0f);
            assertEquals(pretrained.config(), read.config());
            assertEquals(pretrained.namedParameters().keySet(), read.weights().keySet());
            float scale = 8f / 4f;
            for (Map.Entry<String, Parameter> e : pretrained.namedParameters().entrySet()) {
                float[] w = e.getValue().getArray().toFloatArray();
                TensorData exported = read.weights().get(e.getKey());
                assertArrayEquals(e.getValue().getArray().getShape().getShape(), exported.shape(), e.getKey());
                String site = e.getKey().replace(".weight", "");
                if (lora.containsKey(site + ".lora_A.weight")) { // W + (alpha/r)·B·A
                    float[] a = lora.get(site + ".lora_A.weight");
                    float[] b = lora.get(site + ".lora_B.weight");
                    int out = (int) exported.shape()[0];
                    int in = (int) exported.shape()[1];
                    for (int o = 0; o < out; o += 37) {
                        for (int i = 0; i < in; i += 11) {
                            double d = 0;
                            for (int k = 0; k < 4; k++) {
                                d += (double) b[o * 4 + k] * a[k * in + i];
                            }
                            assertEquals(w[o * in + i] + scale * d, exported.data()[o * in + i], 1e-6, e.getKey());
                        }
                    }
                } else {
                    assertArrayEquals(w, exported.data(), 0f, e.getKey() + " is the pretrained tensor");
                }
            }
        }
        try (SafeTensorsFile st = SafeTensors.open(hfOut.resolve(HfExport.WEIGHTS_FILE))) {
            assertArrayEquals(head.tensors().get(0).data(), st.tensor("classifier.weight").data(), 0f);
            assertArrayEquals(new long[] {2, 384}, st.tensor("classifier.weight").shape());
            float[] pooler = st.tensor("bert.pooler.dense.weight").data();
            assertEquals(1f, pooler[0]);
            assertEquals(0f, pooler[1]);
            assertEquals(1f, pooler[385]);
        }

        // what a Transformers user gets with AutoModel and Graft's pooling: Graft's predictions
        try (NDManager m = NDManager.newBaseManager()) {
            BertModel exported = BertBackbone.fromDirectory(hfOut, m, 0f);
            TextModelSpec base = TextModels.resolve("minilm");
            TextModelSpec spec = new TextModelSpec("export", hfOut, "unused", base.maxLength(), base.pooling(), base.license(), "test");
            try (DjlTextEncoder enc = DjlTextEncoder.wrap(spec, exported, 8)) {
                float[][] logits = head.logits(enc.encode(TEXTS, dev.graft.util.Progress.NONE));
                Task task = dev.graft.task.ClassificationTask.of(LabelMap.of(List.of("neg", "pos")));
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertArrayEquals(graft[i], task.activate(logits[i]), 1e-5f, "text " + i);
                }
            }
        }
    }

    @Test
    void regressionIsExportedInDataUnitsAndInexpressibleModelsAreRefused() throws Exception {
        Learner.seed(8);
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(384, 1, 0, 0.1));
        head.initialize(m);
        Path dir = tmp.resolve("regression");
        HeadArrays arrays = HeadArrays.of(head);
        try (TextClassifier c = new TextClassifier(TextModels.resolve("minilm"), head, new RegressionTask("score", 2.5, 1.25, 1.0),
                "feature-extraction", null, m)) {
            c.save(dir, provenance("feature-extraction"), Map.of());
        }
        Path out = tmp.resolve("hf-regression");
        HfExport.write(dir, out);
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("regression", config.get("problem_type").asText());
        assertEquals("score", config.get("id2label").get("0").asText());
        try (SafeTensorsFile st = SafeTensors.open(out.resolve(HfExport.WEIGHTS_FILE))) {
            float[] w = st.tensor("classifier.weight").data();
            assertEquals(arrays.tensors().get(0).data()[7] * 1.25, w[7], 1e-6);
            assertEquals(arrays.tensors().get(1).data()[0] * 1.25 + 2.5, st.tensor("classifier.bias").data()[0], 1e-6);
        }
        IllegalArgumentException notLora = assertThrows(IllegalArgumentException.class, () -> PeftExport.write(dir, tmp.resolve("p")));
        assertTrue(notLora.getMessage().contains("no LoRA updates"), notLora.getMessage());
        assertFalse(Files.exists(tmp.resolve("p")), "nothing is written for a refused export");

        Learner.seed(9);
        NDManager m2 = NDManager.newBaseManager();
        ClassifierHead deep = new ClassifierHead(new HeadConfig(384, 3, 16, 0.1));
        deep.initialize(m2);
        Path hidden = tmp.resolve("hidden");
        try (TextClassifier c = new TextClassifier(TextModels.resolve("minilm"), deep, LabelMap.of(List.of("a", "b", "c")),
                "feature-extraction", m2)) {
            c.save(hidden, provenance("feature-extraction"), Map.of());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfExport.write(hidden, tmp.resolve("h")));
        assertTrue(e.getMessage().contains("hidden layer") && e.getMessage().contains("hidden"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("h")));
        // a directory Graft did not write is never overwritten
        Path foreign = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(foreign.resolve("notes.txt"), "keep");
        assertThrows(IllegalArgumentException.class, () -> HfExport.write(dir, foreign));
        assertEquals("keep", Files.readString(foreign.resolve("notes.txt")));
    }
}
