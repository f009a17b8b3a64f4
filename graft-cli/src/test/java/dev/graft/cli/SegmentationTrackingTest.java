package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.MobileNetV2Spec;
import dev.graft.model.vision.MobileNetV2Spec.BlockSpec;
import dev.graft.model.vision.MobileNetV2Spec.Bounds;
import dev.graft.model.vision.MobileNetV2Spec.ConvSpec;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.RunStatus;
import dev.graft.tracking.StoredRun;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft train --task segmentation} records its run like the other training runs. */
class SegmentationTrackingTest {

    @TempDir
    Path dir;

    /** A narrow random MobileNetV2 with the five resolutions a segmentation decoder reads. */
    private Path encoder() throws Exception {
        Bounds relu6 = new Bounds(0, 6);
        int[][] blocks = {{8, 8, 1}, {8, 12, 2}, {12, 16, 2}, {16, 16, 2}, {16, 24, 2}};
        List<BlockSpec> specs = new ArrayList<>();
        for (int[] b : blocks) {
            int hidden = b[0] * 2;
            specs.add(new BlockSpec(List.of(new ConvSpec(b[0], hidden, 1, 1, 0, 1, relu6),
                    new ConvSpec(hidden, hidden, 3, b[2], 1, hidden, relu6),
                    new ConvSpec(hidden, b[1], 1, 1, 0, 1, null)), b[2] == 1 && b[0] == b[1], null));
        }
        MobileNetV2Spec spec = new MobileNetV2Spec(null, new ConvSpec(3, 8, 3, 2, 1, 1, relu6), specs,
                new ConvSpec(24, 32, 1, 1, 0, 1, relu6), null, null, null, 0);
        Path b = Files.createDirectories(dir.resolve("encoder"));
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(1);
            MobileNetV2 net = new MobileNetV2(spec);
            net.initialize(m);
            VisionBackbones.save(net, b, Map.of("id", "tiny-mobilenetv2", "license", "MIT"));
        }
        PreprocessorConfig.imagenet().write(b.resolve(PreprocessorConfig.FILE));
        return b;
    }

    /** Six 64×64 gray images with bright discs, their masks 255 on the discs. */
    private Path data() throws Exception {
        Path root = dir.resolve("slices");
        Files.createDirectories(root.resolve("images"));
        Files.createDirectories(root.resolve("masks"));
        Random r = new Random(3);
        for (int i = 0; i < 6; i++) {
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
            BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
            int cx = 16 + r.nextInt(32);
            int cy = 16 + r.nextInt(32);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) < 144;
                    img.getRaster().setSample(x, y, 0, (in ? 200 : 50) + r.nextInt(20));
                    mask.getRaster().setSample(x, y, 0, in ? 255 : 0);
                }
            }
            ImageIO.write(img, "png", root.resolve("images/" + i + ".png").toFile());
            ImageIO.write(mask, "png", root.resolve("masks/" + i + ".png").toFile());
        }
        return root;
    }

    @Test
    void segmentationTrainingIsRecordedWithParamsEpochMetricsScoresAndReport() throws Exception {
        Path model = dir.resolve("seg-model");
        Path store = dir.resolve("mlruns");
        CliHarness.Result r = CliHarness.run("train", "--task", "segmentation", "--train", data().toString(), "--val-fraction", "0.34",
                "--model", encoder().toString(), "--strategy", "feature-extraction", "--decoder", "lraspp", "--crop", "32",
                "--crops-per-epoch", "4", "--batch-size", "2", "--epochs", "2", "--tile-overlap", "0", "--random-baseline",
                "--out", model.toString(), "-q", "--tracking-dir", store.toString(), "--experiment", "seg", "--run-name", "seg run");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("recorded in " + store.toAbsolutePath()), r::toString);

        List<StoredRun> runs = new FileStoreReader(store).runs("seg");
        assertEquals(1, runs.size());
        StoredRun run = runs.get(0);
        assertEquals("seg run", run.runName());
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals("segmentation", run.params().get("task"));
        assertEquals("lraspp", run.params().get("decoder"));
        assertEquals("32", run.params().get("crop"));
        assertEquals("2", run.params().get("epochs"));
        for (String m : List.of("train_loss", "val_loss", "val_mean_iou", "val_foreground_dice")) {
            assertEquals(List.of(1L, 2L), run.metrics().get(m).stream().map(p -> p.step()).toList(), m);
        }
        for (String m : List.of("best_val_mean_iou", "best_val_foreground_dice", "random_init_val_mean_iou",
                "inference_seconds_per_image", "train_seconds", "peak_memory_mb")) {
            assertTrue(run.latest(m).isPresent(), m + " in " + run.metrics().keySet());
        }
        double miou = run.latest("best_val_mean_iou").getAsDouble();
        assertTrue(miou > 0 && miou <= 1, "mean IoU " + miou);
        assertEquals("42", run.tags().get("graft.seed"));
        Path artifacts = store.resolve(run.experimentId()).resolve(run.runId()).resolve("artifacts/model");
        for (String f : List.of("report.html", "metrics.json", "provenance.json", "graft-model.json")) {
            assertTrue(Files.isRegularFile(artifacts.resolve(f)), f);
        }

        CliHarness.Result untracked = CliHarness.run("train", "--task", "segmentation", "--train", dir.resolve("slices").toString(),
                "--val-fraction", "0.34", "--model", dir.resolve("encoder").toString(), "--strategy", "feature-extraction",
                "--crop", "32", "--crops-per-epoch", "2", "--batch-size", "2", "--epochs", "1", "--tile-overlap", "0",
                "--out", dir.resolve("other").toString(), "-q", "--tracking-dir", store.toString(), "--no-track");
        assertEquals(0, untracked.code(), untracked::toString);
        assertEquals(1, new FileStoreReader(store).runs(null).size());
    }
}
