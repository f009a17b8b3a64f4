package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.GraftModel;
import dev.graft.artifact.InputKind;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.export.ExportedImageModel;
import dev.graft.artifact.export.ExportedModel;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.ImagePipeline;
import dev.graft.tensor.onnx.OnnxModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft export --format onnx} of a fine-tuned MobileNetV2 (the ImageNet network in ../shared, imported): ONNX
 * Runtime on the exported graph gives the model's probabilities within 1e-4 on real preprocessed images, the
 * preprocessing is in the metadata, and {@code --quantize int8} runs. Skipped without ../shared.
 */
@ExtendWith(PrivateGraftHome.class)
class CliOnnxImageExportTest {

    private static final Path SOURCE = Path.of("../../shared/models/mobilenetv2-12-dequantized-fp32.onnx");

    @TempDir
    Path dir;

    @Test
    void aFineTunedMobileNetV2ExportsToTheSameProbabilities() throws Exception {
        Path source = SOURCE.toAbsolutePath().normalize();
        if (!Files.isRegularFile(source)) {
            source = Path.of("../shared/models/mobilenetv2-12-dequantized-fp32.onnx").toAbsolutePath().normalize();
        }
        assumeTrue(Files.isRegularFile(source), "needs ../shared/models/mobilenetv2-12-dequantized-fp32.onnx");
        CliHarness.Result imported = CliHarness.run("models", "import", "--onnx", source.toString(), "--preset", "imagenet");
        assertEquals(0, imported.code(), imported.toString());
        Path train = dir.resolve("train");
        List<Path> files = ImageTrainReportTest.darkAndLightSquares(train);
        Path model = dir.resolve("model");
        CliHarness.Result t = CliHarness.run("train", "-q", "--no-track", "--train", train.toString(), "--model", "mobilenetv2",
                "--strategy", "fine-tune", "--epochs", "1", "--image-size", "64", "--out", model.toString());
        assertEquals(0, t.code(), t.toString());

        Path onnx = dir.resolve("digits.onnx");
        CliHarness.Result x = CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out", onnx.toString());
        assertEquals(0, x.code(), x.toString());
        assertTrue(x.out().contains("written from the MobileNetV2 module"), x.out());
        byte[] bytes = Files.readAllBytes(onnx);
        Map<String, String> meta = OnnxModelInfo.of(bytes).metadata();
        assertEquals(List.of(64, 64), List.of(new ObjectMapper().readValue(meta.get("graft.preprocessing"), Map.class).get("center_crop"))
                .get(0));
        float[][] expected;
        float[] pixels;
        try (ImageClassifier c = ImageClassifier.load(model)) {
            assertNull(c.onnxFeatures(), "fine-tuned: the module computes the features");
            expected = c.probabilities(files);
            ImagePipeline p = c.pipeline();
            int n = p.outputSize();
            pixels = new float[files.size() * n];
            for (int i = 0; i < files.size(); i++) {
                System.arraycopy(p.evaluate(ImageDecoder.decode(files.get(i))), 0, pixels, i * n, n);
            }
        }
        float[][] actual;
        try (ExportedImageModel m = ExportedImageModel.open(bytes, 2)) {
            actual = m.outputs(pixels, files.size(), 64, 64);
        }
        double max = OnnxExport.maxDifference(expected, actual);
        assertTrue(max <= 1e-4, "max |Δ| " + max);
        // the .onnx file as a GraftModel: decoding and preprocessing from its metadata, ONNX Runtime only
        try (GraftModel g = GraftModel.load(onnx)) {
            assertEquals(InputKind.IMAGE, g.inputKind());
            List<ModelInput> inputs = new ArrayList<>();
            files.forEach(f -> inputs.add(new ModelInput.ImageFile(f)));
            float[][] loaded = ((ExportedModel) g).outputs(inputs);
            double viaLoad = OnnxExport.maxDifference(expected, loaded);
            assertTrue(viaLoad <= 1e-4, "GraftModel.load(onnx): max |Δ| " + viaLoad);
        }

        Path int8 = dir.resolve("digits-int8.onnx");
        CliHarness.Result q = CliHarness.run("export", "--format", "onnx", "--model", model.toString(), "--out", int8.toString(),
                "--quantize", "int8", "--data", train.toString(), "--allow-accuracy-drop");
        assertEquals(0, q.code(), q.toString());
        assertTrue(q.out().contains("accuracy on 8 examples"), q.out());
    }
}
