package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.model.vision.EfficientNet;
import dev.graft.model.vision.EfficientNetSpec;
import dev.graft.model.vision.VisionWeights;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.RunStatus;
import dev.graft.tracking.StoredRun;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image run of {@code graft train} gets what a text run gets: report.html with learning curves, confusion matrix,
 * per-class table and the worst mistakes (here as embedded image thumbnails), metrics.json with skipped steps, and a
 * tracked run. The backbone is an EfficientNet-B0 checkpoint passed as {@code efficientnet-b0:FILE}.
 */
@ExtendWith(PrivateGraftHome.class)
class ImageTrainReportTest {

    @TempDir
    Path dir;

    /** A 20×20 PNG of one random dark or bright colour. */
    static void square(Path file, Random r, boolean bright) throws Exception {
        BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        int base = bright ? 180 : 20;
        g.setColor(new Color(base + r.nextInt(60), base + r.nextInt(60), base + r.nextInt(60)));
        g.fillRect(0, 0, 20, 20);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /**
     * Four squares in each of the class folders {@code train/dark} and {@code train/light} (seed 5), in the order written:
     * dark 0, light 0, dark 1, ...
     */
    static java.util.List<Path> darkAndLightSquares(Path train) throws Exception {
        Random r = new Random(5);
        java.util.List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (String c : java.util.List.of("dark", "light")) {
                Path f = train.resolve(c).resolve(i + ".png");
                square(f, r, c.equals("light"));
                files.add(f);
            }
        }
        return files;
    }

    /** A random B0 checkpoint (initialised weights, timm names) in {@code dir}, so a run has a real backbone to load. */
    static Path b0Checkpoint(Path dir) throws Exception {
        Path file = dir.resolve("b0.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(1);
            EfficientNet net = new EfficientNet(EfficientNetSpec.b0());
            net.initialize(m);
            SafeTensors.write(file, VisionWeights.export(net, false), Map.of("format", "pt"));
        }
        return file;
    }

    @Test
    void imageRunWritesReportWithThumbnailsAndIsTracked() throws Exception {
        Random r = new Random(3);
        Path train = dir.resolve("train");
        for (int i = 0; i < 8; i++) {
            square(train.resolve("dark").resolve(i + ".png"), r, false);
            square(train.resolve("light").resolve(i + ".png"), r, true);
        }
        // the same images under both labels: whatever the model predicts, one of each pair is a mistake
        Path test = dir.resolve("test");
        for (int i = 0; i < 3; i++) {
            square(test.resolve("dark").resolve("t" + i + ".png"), r, i % 2 == 0);
            Files.createDirectories(test.resolve("light"));
            Files.copy(test.resolve("dark").resolve("t" + i + ".png"), test.resolve("light").resolve("t" + i + ".png"));
        }
        Path model = dir.resolve("model");
        Path store = dir.resolve("mlruns");
        CliHarness.Result res = CliHarness.run("train", "--train", train.toString(), "--val", train.toString(), "--test",
                test.toString(), "--model", "efficientnet-b0:" + b0Checkpoint(dir), "--image-size", "32", "--epochs", "2",
                "--out", model.toString(), "-q", "--tracking-dir", store.toString(), "--run-name", "squares");
        assertEquals(0, res.code(), res.err());
        assertTrue(res.out().contains("Report: "), res.out());

        String html = Files.readString(model.resolve("report.html"));
        for (String section : List.of("Learning curves", "Confusion matrix (test, 6 examples)", "Per-class scores",
                "Most confident mistakes (test)", "Provenance", "efficientnet-b0")) {
            assertTrue(html.contains(section), section);
        }
        // exactly 3 mistakes, each with a decodable 96-pixel PNG thumbnail of the image it names
        Matcher m = Pattern.compile("<td class=\"thumb\"><img alt=\"([^\"]+)\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">")
                .matcher(html);
        int thumbs = 0;
        while (m.find()) {
            thumbs++;
            assertTrue(m.group(1).endsWith(".png") && m.group(1).contains("t"), m.group(1));
            BufferedImage t = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(2))));
            assertNotNull(t);
            assertEquals(96, Math.max(t.getWidth(), t.getHeight()));
        }
        assertEquals(3, thumbs);

        JsonNode metrics = new ObjectMapper().readTree(model.resolve("metrics.json").toFile());
        assertEquals(0, metrics.get("skipped_steps").asInt());
        assertEquals(0.5, metrics.get("test").get("accuracy").asDouble(), 1e-9);
        // the negative-transfer check: on pairs of identical images every classifier scores 0.5, so no gap counts
        JsonNode baselines = metrics.get("baselines");
        assertEquals(0.5, baselines.get("raw_pixels_logreg").get("accuracy").asDouble(), 1e-9);
        assertEquals(0.5, baselines.get("majority").get("accuracy").asDouble(), 1e-9);
        assertEquals("unclear", baselines.get("verdict").asText());
        assertTrue(res.out().contains("Baselines on test (6 examples): majority 0.50, raw-pixel logistic regression 0.50"), res.out());
        assertTrue(html.contains("Baselines (negative-transfer check)") && html.contains("raw-pixel logistic regression"), "report");

        List<StoredRun> runs = new FileStoreReader(store).runs(null);
        assertEquals(1, runs.size());
        StoredRun run = runs.get(0);
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals("32x32", run.params().get("image_size"));
        assertEquals(0.5, run.latest("test_accuracy").orElseThrow(), 1e-9);
        assertEquals(0.5, run.latest("baseline_pixels_accuracy").orElseThrow(), 1e-9);
        assertEquals(2, run.metrics().get("val_accuracy").size());
        assertTrue(run.tags().get("graft.backbone.sha256").matches("[0-9a-f]{64}"));
        Path artifacts = store.resolve(run.experimentId()).resolve(run.runId()).resolve("artifacts/model");
        assertTrue(Files.isRegularFile(artifacts.resolve("report.html")));
        assertTrue(Files.isRegularFile(artifacts.resolve("preprocessor_config.json")));
    }

    @Test
    void badCheckpointReferencesFailWithWhatToDo() throws Exception {
        Random r = new Random(1);
        Path train = dir.resolve("imgs");
        for (int i = 0; i < 2; i++) {
            square(train.resolve("a").resolve(i + ".png"), r, false);
            square(train.resolve("b").resolve(i + ".png"), r, true);
        }
        Path missing = dir.resolve("nope.safetensors");
        CliHarness.Result a = CliHarness.run("train", "-q", "--no-track", "--train", train.toString(), "--model",
                "efficientnet-b0:" + missing, "--out", dir.resolve("m").toString());
        assertEquals(GraftCli.FAILURE, a.code(), a::toString);
        assertTrue(a.err().contains(missing.toString()) && a.err().contains("does not exist"), a.err());

        Path notB0 = dir.resolve("other.safetensors");
        SafeTensors.write(notB0, List.of(new dev.graft.tensor.TensorData("conv1.weight", new long[] {2, 3, 1, 1}, new float[6])), Map.of());
        Path target = dir.resolve("imported");
        CliHarness.Result b = CliHarness.run("models", "import", "--safetensors", notB0.toString(), "--architecture", "efficientnet-b0",
                "--out", target.toString());
        assertEquals(GraftCli.FAILURE, b.code(), b::toString);
        assertTrue(b.err().contains("not an EfficientNet checkpoint"), b.err());
        assertTrue(!Files.exists(target), "nothing is written for a refused checkpoint");

        CliHarness.Result c = CliHarness.run("models", "import", "--safetensors", notB0.toString());
        assertEquals(GraftCli.FAILURE, c.code(), c::toString);
        assertTrue(c.err().contains("--architecture"), c.err());
    }
}
