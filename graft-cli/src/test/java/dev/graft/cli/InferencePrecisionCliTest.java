package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.TextClassifier;
import dev.graft.model.CpuFeatures;
import dev.graft.model.Precision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft predict --precision} and {@code graft evaluate --precision}: a fine-tuned MiniLM classifier (its encoder on
 * libtorch) predicts in bf16 within bfloat16's precision of its fp32 predictions, and the scores follow; a model that
 * predicts in fp32 only refuses bf16 by name with one line and takes auto.
 */
@ExtendWith(PrivateGraftHome.class)
class InferencePrecisionCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] TOPICS = {
        {"sports", "The team won the football match", "She scored a goal in the final minute", "The tennis player served an ace",
            "Our basketball coach called a timeout", "The runner finished the marathon", "The goalkeeper saved a penalty"},
        {"food", "I baked a chocolate cake for dessert", "This pasta sauce needs more garlic", "The soup is made with tomatoes",
            "We ordered pizza with extra cheese", "The bread is warm from the oven", "He made pancakes with syrup"}};
    private static final String PROBES = "the striker scored twice\nadd salt to the boiling water\nthe referee showed a red card\n";

    @TempDir
    static Path dir;
    private static Path model;
    private static Path data;

    @BeforeAll
    static void fineTune() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String[] t : TOPICS) {
            for (int i = 1; i < t.length; i++) {
                rows.add(new String[] {t[i], t[0]});
            }
        }
        data = CliHarness.csv(dir, "train.csv", rows);
        model = dir.resolve("model");
        CliHarness.Result r = CliHarness.run("train", "--train", data.toString(), "--model", "minilm", "--strategy", "fine-tune",
                "--epochs", "2", "--seed", "7", "--val-fraction", "0.2", "--test-fraction", "0", "--no-baseline", "--no-track", "-q",
                "--out", model.toString());
        assertEquals(0, r.code(), r::toString);
    }

    private static List<JsonNode> predict(String precision) throws IOException {
        return predict(model, precision);
    }

    /** Predictions of {@code dir} on the probes, with {@code --precision precision} ({@code null}: none given). */
    private static List<JsonNode> predict(Path dir, String precision) throws IOException {
        List<String> args = new ArrayList<>(List.of("predict", "--model", dir.toString(), "--input", "-", "--json"));
        if (precision != null) {
            args.addAll(List.of("--precision", precision));
        }
        CliHarness.Result r = CliHarness.runWithInput(PROBES, args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            out.add(JSON.readTree(line));
        }
        assertEquals(3, out.size(), r.out());
        return out;
    }

    @Test
    void aFineTunedClassifierPredictsInBf16WithinBfloat16sPrecision() throws IOException {
        List<JsonNode> fp32 = predict("fp32");
        List<JsonNode> bf16 = predict("bf16");
        double largest = 0;
        for (int i = 0; i < fp32.size(); i++) {
            JsonNode a = fp32.get(i).get("probabilities");
            JsonNode b = bf16.get(i).get("probabilities");
            for (var it = a.fieldNames(); it.hasNext(); ) {
                String label = it.next();
                largest = Math.max(largest, Math.abs(a.get(label).asDouble() - b.get(label).asDouble()));
            }
        }
        // computed again in bfloat16 (not the fp32 numbers), but within its precision
        assertTrue(largest > 0 && largest < 0.05, "largest probability difference " + largest);
    }

    @Test
    void aHeadTrainedOnBf16FeaturesPredictsInBf16UnlessToldOtherwise() throws IOException {
        Path frozen = dir.resolve("frozen-bf16");
        CliHarness.Result t = CliHarness.run("train", "--train", data.toString(), "--model", "minilm", "--strategy",
                "feature-extraction", "--precision", "bf16", "--seed", "7", "--val-fraction", "0.2", "--test-fraction", "0",
                "--no-baseline", "--no-track", "-q", "--out", frozen.toString());
        assertEquals(0, t.code(), t::toString);
        List<JsonNode> byDefault = predict(frozen, null);
        List<JsonNode> bf16 = predict(frozen, "bf16");
        List<JsonNode> fp32 = predict(frozen, "fp32");
        // without --precision: the features the head was trained on where the CPU has AMX; elsewhere bf16 is emulated
        // (several times slower) and the model predicts from fp32 features
        assertEquals((CpuFeatures.current().amxBf16() ? bf16 : fp32).toString(), byDefault.toString());
        assertTrue(!fp32.toString().equals(bf16.toString()), "--precision fp32 computes the features in fp32 instead");

        InferencePrecisionMixin none = new InferencePrecisionMixin();
        for (boolean amx : new boolean[] {true, false}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (TextClassifier c = TextClassifier.load(frozen, new CpuFeatures(amx ? Set.of("amx_bf16") : Set.of("avx2")))) {
                none.applyTo(c, new PrintStream(err, true, StandardCharsets.UTF_8), false);
                assertEquals(amx ? Precision.BF16 : Precision.FP32, c.frozenPrecision());
            }
            String note = err.toString(StandardCharsets.UTF_8);
            assertEquals(!amx, note.contains("trained on bf16 features; this CPU has no AMX") && note.contains("--precision bf16"),
                    "amx " + amx + ": " + note);
        }
    }

    @Test
    void evaluateScoresInBf16AndRefusesUnknownPrecisions() throws IOException {
        CliHarness.Result fp32 = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--json", "-q");
        CliHarness.Result bf16 = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--json", "-q",
                "--precision", "bf16");
        assertEquals(0, fp32.code(), fp32::toString);
        assertEquals(0, bf16.code(), bf16::toString);
        JsonNode a = JSON.readTree(fp32.out());
        JsonNode b = JSON.readTree(bf16.out());
        assertEquals(a.get("n").asInt(), b.get("n").asInt());
        assertEquals(a.get("accuracy").asDouble(), b.get("accuracy").asDouble(), 0.1, "the same model, scored in bf16");
        CliHarness.Result bad = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--precision",
                "fp16");
        assertEquals(GraftCli.FAILURE, bad.code(), bad::toString);
        assertTrue(bad.err().contains("fp32, bf16 or auto"), bad.err());
    }

    @Test
    void aModelThatPredictsInFp32RefusesBf16ByNameAndTakesAuto() throws Exception {
        Path images = dir.resolve("images");
        List<Path> files = ImageTrainReportTest.darkAndLightSquares(images);
        Path imageModel = dir.resolve("image-model");
        CliHarness.Result t = CliHarness.run("train", "-q", "--no-track", "--train", images.toString(), "--model",
                TinyImages.backbone(dir).toString(), "--strategy", "feature-extraction", "--epochs", "2", "--out", imageModel.toString());
        assertEquals(0, t.code(), t::toString);
        String list = files.get(0) + "\n";
        CliHarness.Result bf16 = CliHarness.runWithInput(list, "predict", "--model", imageModel.toString(), "--input", "-",
                "--precision", "bf16");
        assertEquals(GraftCli.FAILURE, bf16.code(), bf16::toString);
        assertTrue(bf16.err().contains("--precision bf16 applies to text classifiers; this image-classification model predicts in"
                + " fp32"), bf16.err());
        CliHarness.Result auto = CliHarness.runWithInput(list, "predict", "--model", imageModel.toString(), "--input", "-",
                "--precision", "auto");
        assertEquals(0, auto.code(), auto::toString);
        CliHarness.Result serve = CliHarness.run("serve", "--model", imageModel.toString(), "--port", "0", "--precision", "bf16");
        assertEquals(GraftCli.FAILURE, serve.code(), serve::toString);
        assertTrue(serve.err().contains("--precision bf16 applies to text classifiers"), serve.err());
    }
}
