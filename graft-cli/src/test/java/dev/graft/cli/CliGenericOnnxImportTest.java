package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.onnx.OnnxAttr;
import dev.graft.tensor.onnx.OnnxDataType;
import dev.graft.tensor.onnx.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft models import --onnx FILE --features-node NAME} on an ONNX classifier Graft cannot rebuild (a small CNN
 * written here): registered, listed, trained by feature extraction (saved, predicted with from the saved model), and
 * refused for fine-tuning and for another image size with one clear message each; a wrong node is named.
 */
@ExtendWith(PrivateGraftHome.class)
class CliGenericOnnxImportTest {

    @TempDir
    Path dir;

    /** Conv 3→8 (3×3) → Relu → GlobalAveragePool → Flatten ("pooled") → Gemm to 5 classes, any image size. */
    private Path classifier() throws Exception {
        Random r = new Random(2);
        float[] w = new float[8 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        OnnxGraphBuilder b = new OnnxGraphBuilder("tiny-cnn", 13);
        String in = b.input("image", OnnxDataType.FLOAT, "batch", 3, "height", "width");
        String conv = b.node("Conv", List.of(in, b.initializer("w", new long[] {8, 3, 3, 3}, w)), "conv",
                OnnxAttr.ints("pads", 1, 1, 1, 1), OnnxAttr.ints("kernel_shape", 3, 3), OnnxAttr.ints("strides", 4, 4));
        String gap = b.node("GlobalAveragePool", List.of(b.node("Relu", List.of(conv), "relu")), "gap");
        String flat = b.node("Flatten", List.of(gap), "pooled");
        float[] fc = new float[40];
        Arrays.fill(fc, 0.1f);
        String logits = b.node("Gemm", List.of(flat, b.initializer("fc", new long[] {5, 8}, fc)), "logits", OnnxAttr.of("transB", 1L));
        b.output(logits, OnnxDataType.FLOAT, "batch", 5);
        return Files.write(dir.resolve("Tiny CNN.onnx"), b.toModel());
    }

    @Test
    void importsTrainsPredictsAndRefusesFineTuning() throws Exception {
        Path onnx = classifier();
        CliHarness.Result wrong = CliHarness.run("models", "import", "--onnx", onnx.toString(), "--features-node", "fc7");
        assertEquals(1, wrong.code(), wrong.toString());
        assertTrue(wrong.err().contains("no node or value named 'fc7'") && wrong.err().contains("GlobalAveragePool"), wrong.toString());

        CliHarness.Result imp = CliHarness.run("models", "import", "--onnx", onnx.toString(), "--features-node", "pooled",
                "--license", "mit");
        assertEquals(0, imp.code(), imp.toString());
        assertTrue(imp.out().contains("Imported tiny-cnn (onnx, features at pooled: 8-d)"), imp.toString());
        assertTrue(imp.out().contains("Feature extraction only"), imp.toString());
        CliHarness.Result list = CliHarness.run("models", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("tiny-cnn") && l.contains("onnx") && l.contains("mit")), list.toString());

        Random r = new Random(4);
        Path images = dir.resolve("images");
        for (int i = 0; i < 8; i++) {
            ImageTrainReportTest.square(images.resolve("dark").resolve(i + ".png"), r, false);
            ImageTrainReportTest.square(images.resolve("light").resolve(i + ".png"), r, true);
        }
        Path model = dir.resolve("model");
        CliHarness.Result t = CliHarness.run("train", "--train", images.toString(), "--model", "tiny-cnn", "--strategy",
                "feature-extraction", "--no-baseline", "--no-track", "--out", model.toString(), "-q");
        assertEquals(0, t.code(), t.toString());
        Path inputs = dir.resolve("inputs.txt");
        Files.writeString(inputs, images.resolve("dark/0.png") + "\n" + images.resolve("light/0.png") + "\n");
        CliHarness.Result p = CliHarness.run("predict", "--model", model.toString(), "--input", inputs.toString());
        assertEquals(0, p.code(), p.toString());
        assertEquals(2, p.out().lines().count(), p.toString());

        CliHarness.Result ft = CliHarness.run("train", "--train", images.toString(), "--model", "tiny-cnn", "--strategy",
                "fine-tune", "--epochs", "1", "--no-baseline", "--no-track", "--out", dir.resolve("ft").toString(), "-q");
        assertEquals(1, ft.code(), ft.toString());
        assertTrue(ft.err().contains("cannot be fine-tuned") && ft.err().contains("--strategy feature-extraction"), ft.toString());
        assertFalse(ft.err().contains("Exception"), ft.toString());
        CliHarness.Result resized = CliHarness.run("train", "--train", images.toString(), "--model", "tiny-cnn", "--image-size",
                "64", "--no-baseline", "--no-track", "--out", dir.resolve("small").toString(), "-q");
        assertEquals(1, resized.code(), resized.toString());
        assertTrue(resized.err().contains("224x224") && resized.err().contains("--image-size"), resized.toString());
    }
}
