package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.artifact.ImageClassifier;
import dev.graft.strategy.ImageBackbone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft train --precision bf16} on images: a MobileNetV2 (the ImageNet network in ../shared, imported) fine-tunes
 * in bfloat16 and records it; a ResNet is refused with one clear line before anything is written.
 */
@ExtendWith(PrivateGraftHome.class)
class ImagePrecisionCliTest {

    @TempDir
    Path dir;

    @Test
    void aMobileNetV2FineTunesInBf16AndRecordsIt() throws Exception {
        Path source = Path.of("../../shared/models/mobilenetv2-12-dequantized-fp32.onnx").toAbsolutePath().normalize();
        if (!Files.isRegularFile(source)) {
            source = Path.of("../shared/models/mobilenetv2-12-dequantized-fp32.onnx").toAbsolutePath().normalize();
        }
        assumeTrue(Files.isRegularFile(source), "needs ../shared/models/mobilenetv2-12-dequantized-fp32.onnx");
        assertEquals(0, CliHarness.run("models", "import", "--onnx", source.toString(), "--preset", "imagenet").code());
        Path train = dir.resolve("train");
        List<Path> files = ImageTrainReportTest.darkAndLightSquares(train);
        Path model = dir.resolve("model");
        CliHarness.Result t = CliHarness.run("train", "-q", "--no-track", "--train", train.toString(), "--model", "mobilenetv2",
                "--strategy", "fine-tune", "--epochs", "2", "--image-size", "64", "--precision", "bf16", "--out", model.toString());
        assertEquals(0, t.code(), t.toString());
        String provenance = Files.readString(model.resolve("provenance.json"), StandardCharsets.UTF_8);
        assertTrue(provenance.matches("(?s).*\"precision\"\\s*:\\s*\"bf16\".*"), provenance);
        try (ImageClassifier c = ImageClassifier.load(model)) {
            float[][] p = c.probabilities(files);
            for (float[] row : p) {
                assertEquals(1.0, row[0] + row[1], 1e-4, "probabilities of the saved (float32) model");
            }
        }
    }

    @Test
    void bf16IsRefusedForFrozenImageFeaturesBeforeAnythingIsWritten() throws Exception {
        Path train = dir.resolve("train");
        ImageTrainReportTest.darkAndLightSquares(train);
        Path model = dir.resolve("model");
        CliHarness.Result t = CliHarness.run("train", "-q", "--no-track", "--train", train.toString(), "--model", "mobilenetv2",
                "--strategy", "feature-extraction", "--precision", "bf16", "--out", model.toString());
        assertNotEquals(0, t.code(), t.toString());
        assertTrue(t.err().contains("--precision bf16 with --strategy feature-extraction applies to a text encoder's sentence"
                + " vectors; frozen image features run on ONNX Runtime in fp32"), t.err());
        assertFalse(Files.exists(model), "nothing written");
    }

    @Test
    void bf16IsRefusedForAResNetBeforeAnythingIsWritten() throws Exception {
        Path train = dir.resolve("train");
        ImageTrainReportTest.darkAndLightSquares(train);
        Path resnet = ImageBackbone.randomArchitecture("resnet18").directory(); // a backbone folder, random weights
        Path model = dir.resolve("model");
        CliHarness.Result t = CliHarness.run("train", "-q", "--no-track", "--train", train.toString(), "--model", resnet.toString(),
                "--strategy", "fine-tune", "--epochs", "1", "--image-size", "32", "--precision", "bf16", "--out", model.toString());
        assertNotEquals(0, t.code(), t.toString());
        assertTrue(t.err().contains("--precision bf16 applies to text encoders and to MobileNetV2 backbones; resnet18"),
                t.err());
        assertFalse(Files.exists(model), "nothing written");
    }
}
