package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.api.Graft;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.CpuFeatures;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.ResNetSpec;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.run.RunTracking;
import dev.graft.run.SegmentationSettings;
import dev.graft.run.SegmentationTrainingRun;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft train --task segmentation} is parsing and one core call: {@code Graft.train} with the same settings
 * writes the same metrics (same seed, bit for bit), and a run resumed from the checkpoint directory the CLI kept ends
 * with the metrics of the run that wrote it.
 */
class SegmentationApiParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Ten grayscale 64×64 images of a bright disk, with masks (255 inside the disk). */
    private Path disks() throws Exception {
        Path root = dir.resolve("disks");
        Files.createDirectories(root.resolve("images"));
        Files.createDirectories(root.resolve("masks"));
        Random r = new Random(5);
        for (int n = 0; n < 10; n++) {
            int cx = 16 + r.nextInt(32);
            int cy = 16 + r.nextInt(32);
            int rad = 8 + r.nextInt(10);
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
            BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad;
                    img.getRaster().setSample(x, y, 0, (in ? 170 : 70) + r.nextInt(40));
                    mask.getRaster().setSample(x, y, 0, in ? 255 : 0);
                }
            }
            ImageIO.write(img, "png", root.resolve("images/" + n + ".png").toFile());
            ImageIO.write(mask, "png", root.resolve("masks/" + n + ".png").toFile());
        }
        return root;
    }

    /** A ResNet-18 four channels wide with seeded random weights, as a backbone folder. */
    private Path encoder() throws Exception {
        Path d = Files.createDirectories(dir.resolve("encoder"));
        try (NDManager m = NDManager.newBaseManager()) {
            dev.graft.training.Learner.seed(3);
            ResNet net = new ResNet(ResNetSpec.resnet18().withWidth(4));
            net.initialize(m);
            VisionBackbones.save(net, d, Map.of("id", "tiny-resnet", "license", "MIT"));
        }
        PreprocessorConfig.imagenet().write(d.resolve(PreprocessorConfig.FILE));
        return d;
    }

    /** The processor, for a failure seen on another machine: its model name and whether it has AVX-512 and bf16. */
    private static String machine() {
        try {
            String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().orElse("model name: unknown");
            CpuFeatures cpu = CpuFeatures.current();
            return model + ", " + Runtime.getRuntime().availableProcessors() + " processors, avx512f "
                    + cpu.flags().contains("avx512f") + ", native bf16 " + cpu.nativeBf16();
        } catch (Exception e) {
            return "processor unknown: " + e;
        }
    }

    @Test
    void javaApiAndCliTrainTheSameSegmentationModelAndTheCliResumes() throws Exception {
        Path data = disks();
        Path encoder = encoder();
        Path cliModel = dir.resolve("cli-model");
        Path ckpt = dir.resolve("cli-ckpt");
        CliHarness.Result r = CliHarness.run("train", "--task", "segmentation", "--train", data.toString(), "--val-fraction", "0.2",
                "--test-fraction", "0.2", "--model", encoder.toString(), "--strategy", "fine-tune", "--crop", "64",
                "--crops-per-epoch", "8", "--batch-size", "4", "--epochs", "2", "--lr", "0.003", "--tile-overlap", "0",
                "--checkpoint-dir", ckpt.toString(), "--out", cliModel.toString(), "--no-track", "-q");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Validation (2 images"), r.out());
        assertTrue(Files.exists(ckpt.resolve("state.json")), "the checkpoint directory the user named is kept");

        Path javaModel = dir.resolve("java-model");
        try (TrainingResult result = Graft.train(TrainingRequest.of(data, javaModel).model(encoder.toString()).strategy("fine-tune")
                .valFraction(0.2).testFraction(0.2).batchSize(4).epochs(2).learningRate(0.003).tracking(RunTracking.off())
                .segmentation(SegmentationSettings.defaults().crop(64).cropsPerEpoch(8).tileOverlap(0)))) {
            assertInstanceOf(SegmentationTrainingRun.Outcome.class, result.outcome());
            assertEquals(2, result.validationExamples());
            assertEquals(javaModel.resolve("report.html"), result.report().orElseThrow());
            assertTrue(Files.isRegularFile(result.report().orElseThrow()));
            assertFalse(Files.exists(dir.resolve("java-model.checkpoint")), "an unnamed checkpoint is removed after the run");
        }
        JsonNode cli = JSON.readTree(cliModel.resolve("metrics.json").toFile());
        JsonNode java = JSON.readTree(javaModel.resolve("metrics.json").toFile());
        // the whole documents (with each epoch's losses and any dropped update) say where two runs parted
        assertEquals(0, cli.get("skipped_steps").asInt(), cli::toString);
        assertEquals(0, java.get("skipped_steps").asInt(), java::toString);
        assertEquals(cli.get("validation"), java.get("validation"), () -> "CLI run " + cli + "\nJava run " + java + "\n" + machine());
        assertEquals(cli.get("test"), java.get("test"));
        assertEquals(cli.get("best_epoch"), java.get("best_epoch"));
        assertTrue(cli.get("validation").get("mean_iou").asDouble() > 0, cli.toString());

        Path resumedModel = dir.resolve("resumed-model");
        CliHarness.Result resumed = CliHarness.run("train", "--task", "segmentation", "--train", data.toString(), "--val-fraction",
                "0.2", "--test-fraction", "0.2", "--model", encoder.toString(), "--strategy", "fine-tune", "--crop", "64",
                "--crops-per-epoch", "8", "--batch-size", "4", "--epochs", "2", "--lr", "0.003", "--tile-overlap", "0",
                "--resume", ckpt.toString(), "--out", resumedModel.toString(), "--no-track");
        assertEquals(0, resumed.code(), resumed::toString);
        assertTrue(resumed.err().contains("(resuming)"), resumed.err());
        JsonNode again = JSON.readTree(resumedModel.resolve("metrics.json").toFile());
        assertEquals(cli.get("validation"), again.get("validation"));
        assertEquals(cli.get("test"), again.get("test"));

        CliHarness.Result otherSettings = CliHarness.run("train", "--task", "segmentation", "--train", data.toString(),
                "--val-fraction", "0.2", "--test-fraction", "0.2", "--model", encoder.toString(), "--strategy", "fine-tune",
                "--crop", "64", "--crops-per-epoch", "4", "--batch-size", "4", "--epochs", "2", "--lr", "0.003", "--tile-overlap", "0",
                "--resume", ckpt.toString(),
                "--out", dir.resolve("other").toString(), "--no-track", "-q");
        assertNotEquals(0, otherSettings.code(), otherSettings::toString);
        assertTrue(otherSettings.err().contains("different model, data or settings"), otherSettings.err());
    }
}
