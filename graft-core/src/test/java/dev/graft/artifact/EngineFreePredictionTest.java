package dev.graft.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.text.TextModels;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.task.ClassificationTask;
import dev.graft.task.MultiLabelTask;
import dev.graft.training.Learner;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved model with ONNX features (the bundled MiniLM; MobileNetV2 from {@code ../shared} when present) is loaded and
 * predicts in a fresh JVM without the PyTorch engine: no class of {@code ai.djl.pytorch} is loaded (the JVM's class
 * loading log) and no libtorch library is mapped into the process ({@code /proc/self/maps}); its outputs equal those of
 * the in-memory model, whose head runs on libtorch, within 1e-6. The same run asking for the DJL head afterwards shows
 * both signals turning on, so they do detect the engine. The text model exported to a {@code .onnx} file and loaded with
 * {@link GraftModel#load} predicts the same without the engine.
 */
class EngineFreePredictionTest {

    private static final List<String> TEXTS = List.of("refund my payment", "the app crashes on start", "add dark mode please",
            "I loved this book, it was wonderful", "");

    @TempDir
    Path tmp;

    private static Provenance provenance() {
        return new Provenance("2026-01-01T00:00:00Z", "feature-extraction", 1, Map.of(), Map.of(), Map.of(), Versions.all(),
                Map.of(), List.of());
    }

    @Test
    void aFeatureExtractionTextModelPredictsWithoutLibtorch() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs Linux's /proc to see mapped libraries");
        Path dir = tmp.resolve("text-model");
        float[][] expected;
        Learner.seed(5);
        NDManager m = NDManager.newBaseManager();
        ClassifierHead head = new ClassifierHead(new HeadConfig(384, 3, 32, 0.1));
        head.initialize(m);
        try (TextClassifier original = new TextClassifier(TextModels.resolve("minilm"), head,
                new MultiLabelTask(List.of("billing", "bug", "feature"), null, null), "feature-extraction", null, m)) {
            expected = original.probabilities(TEXTS.subList(0, 4));
            original.save(dir, provenance(), Map.of());
        }
        Path inputs = Files.write(tmp.resolve("texts.txt"), TEXTS.subList(0, 4));
        Child plain = run("text", dir, inputs, false);
        assertFalse(plain.pytorchClassesLoaded(), "no ai.djl.pytorch class is loaded: " + plain.pytorchClasses);
        assertFalse(plain.libtorchMapped, "libtorch is not mapped into the process");
        assertOutputs(expected, plain.rows);
        // the same model exported to one ONNX graph and loaded as a GraftModel from the .onnx file
        Path onnx = tmp.resolve("exported.onnx");
        dev.graft.artifact.export.OnnxExport.export(dir, onnx, dev.graft.artifact.export.OnnxExport.Options.fp32());
        Child exported = run("onnx", onnx, inputs, false);
        assertFalse(exported.pytorchClassesLoaded(), "the exported graph loads no ai.djl.pytorch class: " + exported.pytorchClasses);
        assertFalse(exported.libtorchMapped, "the exported graph does not map libtorch");
        assertEquals(expected.length, exported.rows.size());
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < expected[i].length; k++) {
                assertEquals(expected[i][k], exported.rows.get(i)[k], 1e-4, "row " + i + " output " + k);
            }
        }
        Child control = run("text", dir, inputs, true);
        assertTrue(control.pytorchClassesLoaded(), "the control run loads the engine, so the signal can fail");
        assertTrue(control.libtorchMapped, "the control run maps libtorch");
        assertOutputs(expected, control.rows);
    }

    @Test
    void anImageModelWithOnnxFeaturesPredictsWithoutLibtorch() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs Linux's /proc to see mapped libraries");
        Path onnx = Path.of(System.getProperty("graft.repo.root", "..")).resolve("../shared/models/mobilenetv2-12-dequantized-fp32.onnx");
        assumeTrue(Files.isRegularFile(onnx), onnx + " not present");
        List<String> files = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillRect(0, 0, 64, 48);
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillOval(r.nextInt(30), r.nextInt(20), 20, 20);
            g.dispose();
            Path f = tmp.resolve(i + ".png");
            ImageIO.write(img, "png", f.toFile());
            files.add(f.toString());
        }
        Path dir = tmp.resolve("image-model");
        float[][] expected;
        Learner.seed(6);
        NDManager m = NDManager.newBaseManager();
        VisionBackbone backbone = VisionBackbones.mobileNetV2FromOnnx(onnx, m);
        ClassifierHead head = new ClassifierHead(new HeadConfig(backbone.featureDim(), 2, 0, 0.1));
        head.initialize(m);
        PreprocessorConfig pre = new PreprocessorConfig(256, 224, 224, 1 / 255.0, true, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f});
        try (ImageClassifier original = new ImageClassifier(backbone, head, ClassificationTask.of(dev.graft.data.LabelMap.of(List.of("a", "b"))), pre,
                "feature-extraction", Map.of("id", "mobilenetv2", "license", "Apache-2.0"), m).withOnnxFeatures(onnx)) {
            expected = original.probabilities(files.stream().map(Path::of).toList());
            original.save(dir, provenance(), Map.of(), s -> { });
        }
        Path inputs = Files.write(tmp.resolve("images.txt"), files);
        Child plain = run("image", dir, inputs, false);
        assertFalse(plain.pytorchClassesLoaded(), "no ai.djl.pytorch class is loaded: " + plain.pytorchClasses);
        assertFalse(plain.libtorchMapped, "libtorch is not mapped into the process");
        assertOutputs(expected, plain.rows);
    }

    private static void assertOutputs(float[][] expected, List<float[]> rows) {
        assertEquals(expected.length, rows.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], rows.get(i), 1e-6f, "row " + i);
        }
    }

    private record Child(List<float[]> rows, boolean libtorchMapped, List<String> pytorchClasses) {
        boolean pytorchClassesLoaded() {
            return !pytorchClasses.isEmpty();
        }
    }

    private Child run(String kind, Path dir, Path inputs, boolean touchHead) throws IOException, InterruptedException {
        Path classLog = Files.createTempFile(tmp, "classes", ".log");
        Path stdout = Files.createTempFile(tmp, "stdout", ".txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-Xlog:class+load=info:file=" + classLog,
                "-cp", System.getProperty("java.class.path"), EngineFreePrediction.class.getName(),
                kind, dir.toString(), inputs.toString()));
        if (touchHead) {
            cmd.add("--touch-head");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(stdout.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM finished");
        List<String> lines = Files.readAllLines(stdout);
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        List<float[]> rows = new ArrayList<>();
        Boolean mapped = null;
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f[0].equals("row")) {
                float[] row = new float[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    row[i - 1] = Float.parseFloat(f[i]);
                }
                rows.add(row);
            } else if (f[0].equals("libtorch-mapped")) {
                mapped = Boolean.parseBoolean(f[1]);
            }
        }
        assertTrue(mapped != null, "the child reported its mapped libraries: " + String.join("\n", lines));
        List<String> pytorch = Files.readAllLines(classLog).stream().filter(l -> l.contains(" ai.djl.pytorch.")).toList();
        assertTrue(Files.readString(classLog).contains(" dev.graft.artifact.EngineFreePrediction "), "the class log is written");
        return new Child(rows, mapped, pytorch);
    }
}
