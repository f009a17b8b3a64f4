package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.ImageClassifier;
import dev.graft.data.image.ImageTta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft train --tta flip} on an image CSV (a tiny random ResNet backbone folder): the model records it,
 * {@code predict} and {@code evaluate} average the same views, and where it cannot apply it is refused by flag name.
 */
@ExtendWith(PrivateGraftHome.class)
class ImageTtaCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void flipModelPredictsAndEvaluatesWithTheViewsItWasTrainedOn() throws Exception {
        Path train = TinyImages.colours(dir, "train", 36, 1);
        Path test = TinyImages.colours(dir, "test", 12, 2);
        Path backbone = TinyImages.backbone(dir);
        Path model = dir.resolve("flip");
        CliHarness.Result trained = CliHarness.run("train", "--train", train.toString(), "--test", test.toString(), "--model",
                backbone.toString(), "--tta", "flip", "--epochs", "5", "--no-track", "--out", model.toString());
        assertEquals(0, trained.code(), trained::toString);
        assertEquals("flip", JSON.readTree(model.resolve("graft-model.json").toFile()).path("test_time_augmentation").asText());
        JsonNode testMetrics = JSON.readTree(model.resolve("metrics.json").toFile()).get("test");

        CliHarness.Result eval = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString(), "--json");
        assertEquals(0, eval.code(), eval::toString);
        JsonNode evaluated = JSON.readTree(eval.out());
        assertEquals(testMetrics, evaluated, "evaluate scores the test images on the same averaged features as training did");

        Path image = dir.resolve("test").resolve("0.png");
        Path input = Files.writeString(dir.resolve("inputs.txt"), image + "\n");
        CliHarness.Result predicted = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString(), "--json");
        assertEquals(0, predicted.code(), predicted::toString);
        JsonNode p = JSON.readTree(predicted.out().lines().findFirst().orElseThrow()).get("probabilities");
        try (ImageClassifier flip = ImageClassifier.load(model); ImageClassifier one = ImageClassifier.load(model).withTta(ImageTta.NONE)) {
            List<String> labels = flip.labels().labels();
            float[] expected = flip.probabilities(List.of(image))[0];
            float[] printed = new float[labels.size()];
            for (int k = 0; k < labels.size(); k++) {
                printed[k] = (float) p.get(labels.get(k)).asDouble();
            }
            assertArrayEquals(expected, printed, 1e-4f);
            float[] single = one.probabilities(List.of(image))[0];
            double change = 0;
            for (int k = 0; k < labels.size(); k++) {
                change = Math.max(change, Math.abs(single[k] - expected[k]));
            }
            assertTrue(change > 1e-4, "one view would print other probabilities (" + change + ")");
        }

        Path onnx = dir.resolve("flip.onnx");
        CliHarness.Result export = CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out", onnx.toString());
        assertNotEquals(0, export.code(), export::toString);
        assertTrue(export.err().contains("test-time augmentation flip") && export.err().contains("--tta none"), export.err());
        assertFalse(Files.exists(onnx));

        CliHarness.Result fineTune = CliHarness.run("train", "--train", train.toString(), "--model", backbone.toString(),
                "--strategy", "fine-tune", "--tta", "flip", "--no-track", "--out", dir.resolve("ft").toString());
        assertNotEquals(0, fineTune.code());
        assertTrue(fineTune.err().contains("--tta flip") && fineTune.err().contains("--strategy fine-tune"), fineTune.err());
        assertFalse(Files.exists(dir.resolve("ft")));
    }
}
