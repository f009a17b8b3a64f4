package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.GraftModel;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.export.ExportedModel;
import dev.graft.artifact.export.ExportedTextModel;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.Precision;
import dev.graft.model.bert.BertModel;
import dev.graft.tensor.onnx.OnnxModelInfo;
import dev.graft.training.Learner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft export --format onnx}: the exported graph, run by ONNX Runtime with the tokenizer written beside it,
 * gives the model's own outputs (max |Δ| ≤ 1e-4) for a head on the bundled MiniLM (its ONNX graph reused), a fine-tuned
 * encoder and a LoRA model (both written from the BERT module); {@code --quantize int8} stays close; files Graft did not
 * write are not overwritten.
 */
class CliOnnxExportTest {

    private static final List<String> TEXTS = List.of("refund please, the invoice is wrong", "the app crashes on start",
            "what is my invoice", "it freezes when I open settings", "charge me once, not twice",
            "a much longer text about a payment that was taken twice from my card and never refunded by the shop");

    @TempDir
    static Path tmp;
    private static Path tinyBert;
    private static Path train;

    @BeforeAll
    static void tinyModelAndData() throws IOException {
        tinyBert = Files.createDirectories(tmp.resolve("tiny-bert"));
        try (NDManager m = NDManager.newBaseManager()) {
            Learner.seed(5);
            BertModel bert = new BertModel(new BertConfig(30522, 8, 2, 2, 16, 512, 2, 1e-12), 0f);
            bert.initialize(m);
            BertBackbone.save(bert, tinyBert);
        }
        try (InputStream tok = CliOnnxExportTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(tok, tinyBert.resolve("tokenizer.json"));
        }
        StringBuilder rows = new StringBuilder("text,label\n");
        for (int i = 0; i < 12; i++) {
            rows.append("refund my payment ").append(i).append(",billing\n");
            rows.append("the app crashes ").append(i).append(",bug\n");
            rows.append("where is my parcel number ").append(i).append(",shipping\n");
        }
        train = tmp.resolve("train.csv");
        Files.writeString(train, rows.toString());
    }

    private static Path trainModel(String name, String... extra) {
        Path out = tmp.resolve(name);
        String[] base = {"train", "--train", train.toString(), "--epochs", "1", "--out", out.toString(), "--no-track", "-q"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliHarness.Result r = CliHarness.run(args);
        assertEquals(0, r.code(), r.toString());
        return out;
    }

    /** Exports, then runs the file with ONNX Runtime and compares with the model's own probabilities. */
    private static double exportAndCompare(Path model, String name, String graphSource) throws IOException {
        Path onnx = tmp.resolve(name + ".onnx");
        CliHarness.Result x = CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out", onnx.toString());
        assertEquals(0, x.code(), x.toString());
        assertTrue(x.out().contains(graphSource), x.out());
        Path tokenizer = tmp.resolve(name + ".tokenizer.json");
        assertTrue(Files.isRegularFile(tokenizer));
        byte[] bytes = Files.readAllBytes(onnx);
        Map<String, String> meta = OnnxModelInfo.of(bytes).metadata();
        assertEquals("classification", meta.get("graft.task"));
        JsonNode pre = new ObjectMapper().readTree(meta.get("graft.preprocessing"));
        assertEquals(tokenizer.getFileName().toString(), pre.get("tokenizer").asText());
        float[][] expected;
        try (TextClassifier classifier = TextClassifier.load(model)) {
            classifier.predictIn(Precision.FP32); // the graph computes in fp32 (precision auto may train on bf16 features)
            if (classifier.peft() != null) {
                classifier.mergeLora(); // what the LoRA model predicts, up to rounding (LoraMerge checks this)
            }
            expected = classifier.probabilities(TEXTS);
            assertEquals(classifier.labels().labels(), List.of(new ObjectMapper().readValue(meta.get("graft.labels"), String[].class)));
        }
        float[][] actual;
        try (ExportedTextModel exported = ExportedTextModel.open(bytes, tokenizer, pre.get("max_length").asInt(), 2)) {
            actual = exported.outputs(TEXTS);
        }
        double max = OnnxExport.maxDifference(expected, actual);
        assertTrue(max <= 1e-4, "max |Δ| " + max);
        // the .onnx file as a GraftModel (labels, task and tokenizer from the file): the same predictions
        List<ModelInput> inputs = TEXTS.stream().<ModelInput>map(ModelInput.Text::new).toList();
        try (GraftModel g = GraftModel.load(onnx); TextClassifier classifier = TextClassifier.load(model)) {
            assertTrue(g instanceof ExportedModel, g.getClass().getName());
            assertEquals(classifier.labelNames(), g.labelNames());
            assertEquals(classifier.taskName(), g.taskName());
            classifier.predictIn(Precision.FP32);
            if (classifier.peft() != null) {
                classifier.mergeLora();
            }
            List<ModelOutput> own = classifier.predictBatch(inputs);
            List<ModelOutput> loaded = g.predictBatch(inputs);
            for (int i = 0; i < TEXTS.size(); i++) {
                ModelOutput.Classification a = (ModelOutput.Classification) own.get(i);
                ModelOutput.Classification b = (ModelOutput.Classification) loaded.get(i);
                assertEquals(a.label(), b.label(), TEXTS.get(i));
                for (String label : a.probabilities().keySet()) {
                    assertEquals(a.probabilities().get(label), b.probabilities().get(label), 1e-4, TEXTS.get(i) + " " + label);
                }
            }
        }
        for (float[] row : actual) {
            double sum = 0;
            for (float p : row) {
                sum += p;
            }
            assertEquals(1.0, sum, 1e-5, "softmax probabilities");
        }
        return max;
    }

    private static int maxLength(Path onnx) throws IOException {
        String pre = OnnxModelInfo.of(Files.readAllBytes(onnx)).metadata().get("graft.preprocessing");
        return new ObjectMapper().readTree(pre).get("max_length").asInt();
    }

    @Test
    void featureExtractionOnTheBundledMiniLmReusesItsGraphAndQuantisesToInt8() throws IOException {
        Path model = trainModel("fe-minilm");
        exportAndCompare(model, "fe-minilm", "imported encoder graph");
        predictsWithTheOnnxFileAlone(model, tmp.resolve("fe-minilm.onnx"));

        Path int8 = tmp.resolve("fe-minilm-int8.onnx");
        CliHarness.Result q = CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out", int8.toString(),
                "--quantize", "int8", "--data", train.toString());
        assertEquals(0, q.code(), q.toString());
        assertTrue(q.out().contains("MatMul weights quantised") && q.out().contains("accuracy on 36 examples"), q.out());
        assertTrue(Files.size(int8) < Files.size(tmp.resolve("fe-minilm.onnx")) * 0.8, "int8 weights are smaller");
        float[][] fp32;
        float[][] quantised;
        try (ExportedTextModel a = ExportedTextModel.open(Files.readAllBytes(tmp.resolve("fe-minilm.onnx")),
                tmp.resolve("fe-minilm.tokenizer.json"), maxLength(int8), 2);
             ExportedTextModel b = ExportedTextModel.open(Files.readAllBytes(int8), tmp.resolve("fe-minilm-int8.tokenizer.json"),
                     maxLength(int8), 2)) {
            fp32 = a.outputs(TEXTS);
            quantised = b.outputs(TEXTS);
        }
        double d = OnnxExport.maxDifference(fp32, quantised);
        assertTrue(d > 0 && d < 0.05, "int8 changes the outputs a little: " + d);

        CliHarness.Result noData = CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out",
                tmp.resolve("x.onnx").toString(), "--quantize", "int8");
        assertEquals(1, noData.code(), noData.toString());
        assertTrue(noData.err().contains("--data"), noData.err());
        assertFalse(Files.exists(tmp.resolve("x.onnx")));
    }

    /** {@code graft predict --model X.onnx} over a CSV gives the model directory's labels, with the same scores. */
    private static void predictsWithTheOnnxFileAlone(Path model, Path onnx) throws IOException {
        Path csv = tmp.resolve("inputs.csv");
        StringBuilder rows = new StringBuilder("id,text\n");
        for (int i = 0; i < TEXTS.size(); i++) {
            rows.append(i).append(",\"").append(TEXTS.get(i)).append("\"\n");
        }
        Files.writeString(csv, rows.toString());
        Path fromOnnx = tmp.resolve("from-onnx.jsonl");
        Path fromDir = tmp.resolve("from-dir.jsonl");
        CliHarness.Result a = CliHarness.run("predict", "--model", onnx.toString(), "--input", csv.toString(), "--output",
                fromOnnx.toString(), "-q");
        assertEquals(0, a.code(), a.toString());
        // in fp32, as the graph computes (a model trained on bf16 features predicts in bf16 unless told)
        CliHarness.Result b = CliHarness.run("predict", "--model", model.toString(), "--input", csv.toString(), "--output",
                fromDir.toString(), "--precision", "fp32", "-q");
        assertEquals(0, b.code(), b.toString());
        List<String> x = Files.readAllLines(fromOnnx);
        List<String> y = Files.readAllLines(fromDir);
        assertEquals(TEXTS.size(), x.size());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < x.size(); i++) {
            JsonNode p = json.readTree(x.get(i));
            JsonNode q = json.readTree(y.get(i));
            assertEquals(String.valueOf(i), p.get("id").asText(), "input columns kept");
            assertEquals(q.get("label").asText(), p.get("label").asText());
            assertEquals(q.get("score").asDouble(), p.get("score").asDouble(), 1e-4);
        }
        CliHarness.Result foreign = CliHarness.run("predict", "--model", tmp.resolve("inputs.csv").toString(), "--input",
                csv.toString(), "--output", tmp.resolve("never.jsonl").toString(), "-q");
        assertEquals(1, foreign.code(), foreign.toString());
        assertTrue(foreign.err().contains("is a file, not a Graft model"), foreign.err());
    }

    @Test
    void fineTunedAndLoraModelsAreWrittenFromTheBertModule() throws IOException {
        Path fineTuned = trainModel("fine-tuned", "--model", tinyBert.toString(), "--strategy", "fine-tune", "--lr-backbone", "1e-2");
        exportAndCompare(fineTuned, "fine-tuned", "written from the BERT module");
        Path lora = trainModel("lora", "--model", tinyBert.toString(), "--strategy", "lora", "--lr-backbone", "1e-2", "--lora-rank", "4",
                "--lora-targets", "query,value,output");
        exportAndCompare(lora, "lora", "written from the BERT module");
    }

    @Test
    void aFileGraftDidNotWriteIsNotOverwrittenButAnEarlierExportIsReplaced() throws IOException {
        Path model = trainModel("fe-tiny", "--model", tinyBert.toString());
        Path foreign = tmp.resolve("mine.onnx");
        Files.writeString(foreign, "not graft's");
        CliHarness.Result r = CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out", foreign.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("was not written by graft export"), r.err());
        assertEquals("not graft's", Files.readString(foreign));

        Path out = tmp.resolve("tiny.onnx");
        assertEquals(0, CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out", out.toString()).code());
        CliHarness.Result again = CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out", out.toString());
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().startsWith("Replaced"), again.out());

        CliHarness.Result noFormat = CliHarness.run("export", "--model", model.toString(), "--out", out.toString());
        assertEquals(1, noFormat.code(), noFormat.toString());
        assertTrue(noFormat.err().contains("--format onnx"), noFormat.err());
        CliHarness.Result notOnnx = CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out", tmp.resolve("m.bin").toString());
        assertEquals(1, notOnnx.code(), notOnnx.toString());
        assertTrue(notOnnx.err().contains("--out must name a .onnx file"), notOnnx.err());
    }
}
