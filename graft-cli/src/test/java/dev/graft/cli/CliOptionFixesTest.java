package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Options that were silently ignored or printed badly, found when Graft was tried as a new user would. */
@ExtendWith(PrivateGraftHome.class)
class CliOptionFixesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path data() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rows.add(new String[] {"The team won the match " + i, "sports"});
            rows.add(new String[] {"I baked a cake with flour " + i, "food"});
        }
        return CliHarness.csv(dir, "train.csv", rows);
    }

    private JsonNode train(String out, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", "-q", "--train", data().toString(), "--epochs", "2", "--no-baseline",
                "--out", dir.resolve(out).toString()));
        args.addAll(List.of(extra));
        CliHarness.Result r = CliHarness.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        return JSON.readTree(dir.resolve(out).resolve("metrics.json").toFile());
    }

    @Test
    void featureExtractionTrainsItsHeadWithTheChosenOptimizerAndMomentum() throws IOException {
        JsonNode adamw = train("adamw");
        JsonNode sgd = train("sgd", "--optimizer", "sgd", "--momentum", "0.5");
        JsonNode settings = JSON.readTree(dir.resolve("sgd/provenance.json").toFile()).path("settings");
        assertEquals("sgd", settings.path("optimizer").asText(), settings::toString);
        assertEquals(0.5, settings.path("momentum").asDouble(), 0.0);
        assertEquals("adamw", JSON.readTree(dir.resolve("adamw/provenance.json").toFile()).path("settings").path("optimizer").asText());
        assertNotEquals(adamw.path("history").get(0).path("val_loss").asDouble(), sgd.path("history").get(0).path("val_loss").asDouble(),
                "the head trained differently");
    }

    @Test
    void theLinearHeadIsSolvedInClosedFormUnlessAGradientSettingIsGiven() throws IOException {
        CliHarness.Result r = CliHarness.run("train", "-q", "--train", data().toString(), "--no-baseline", "--out",
                dir.resolve("cf").toString());
        assertEquals(0, r.code(), r::toString);
        JsonNode closedForm = JSON.readTree(dir.resolve("cf/provenance.json").toFile()).path("settings");
        assertTrue(closedForm.path("closed_form_head").asBoolean(), closedForm::toString);
        assertEquals(1, JSON.readTree(dir.resolve("cf/metrics.json").toFile()).path("history").size(), "one closed-form solve");

        JsonNode gradient = JSON.readTree(trainAndProvenance("lr", "--lr", "0.01")).path("settings");
        assertFalse(gradient.path("closed_form_head").asBoolean(), gradient::toString);
    }

    private java.io.File trainAndProvenance(String out, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", "-q", "--train", data().toString(), "--no-baseline", "--out",
                dir.resolve(out).toString()));
        args.addAll(List.of(extra));
        CliHarness.Result r = CliHarness.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        return dir.resolve(out).resolve("provenance.json").toFile();
    }

    @Test
    void aClosedFormHeadRefusesGradientSettingsAndClassWeights() throws IOException {
        CliHarness.Result epochs = CliHarness.run("train", "-q", "--train", data().toString(), "--head-solver", "closed-form",
                "--epochs", "3", "--out", dir.resolve("e").toString());
        assertEquals(GraftCli.FAILURE, epochs.code(), epochs::toString);
        assertTrue(epochs.err().contains("--epochs sets how a gradient-trained head learns"), epochs::toString);
        CliHarness.Result weights = CliHarness.run("train", "-q", "--train", data().toString(), "--head-solver", "closed-form",
                "--class-weights", "balanced", "--out", dir.resolve("w").toString());
        assertEquals(GraftCli.FAILURE, weights.code(), weights::toString);
        assertTrue(weights.err().contains("Use --head-solver gradient with --class-weights"), weights::toString);
        assertFalse(Files.exists(dir.resolve("e")) || Files.exists(dir.resolve("w")));
    }

    @Test
    void momentumWithAdamwIsRefused() throws IOException {
        CliHarness.Result r = CliHarness.run("train", "-q", "--train", data().toString(), "--momentum", "0.5", "--out",
                dir.resolve("m").toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("--momentum applies to --optimizer sgd"), r::toString);
        assertFalse(Files.exists(dir.resolve("m")));
    }

    @Test
    void adaptHelpPrintsItsMeasuredFiguresWithoutAFormatWarning() {
        CliHarness.Result r = CliHarness.run("adapt", "--help");
        assertEquals(0, r.code(), r::toString);
        assertFalse((r.out() + r.err()).contains("picocli WARN"), r::toString);
        assertTrue(r.out().replaceAll("\\s+", " ").contains("from 74% to 90%"), r::toString);
    }

    @Test
    void modelsListShowsTheImportedImageModels() throws IOException {
        Path vision = Files.createDirectories(Path.of(System.getProperty("graft.home"), "models", "vision", "my-resnet"));
        Files.writeString(vision.resolve("backbone.json"), "{\"architecture\":\"resnet18\",\"id\":\"my-resnet\",\"license\":\"MIT\","
                + "\"source\":\"resnet18.safetensors\"}");
        Files.writeString(vision.resolve("model.safetensors"), "weights");
        CliHarness.Result r = CliHarness.run("models", "list");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("my-resnet") && l.contains("resnet18") && l.contains("MIT")), r::toString);
        assertTrue(r.out().contains("minilm"), r::toString);
    }

    @Test
    void licenceWarningsSayWarningOnce() {
        String w = dev.graft.model.card.Licenses.trainingWarning("org/m", "cc-by-nc-4.0").orElseThrow();
        assertFalse(w.toLowerCase(java.util.Locale.ROOT).startsWith("warning"), w);
    }
}
