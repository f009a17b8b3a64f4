package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image fine-tuning checkpoints as text fine-tuning does: {@code OUT.checkpoint} by default, removed after success;
 * {@code --checkpoint-dir} kept; {@code --resume} continues from it with the same arguments, and is refused with
 * other settings, with feature extraction, and a new run never overwrites an interrupted run's checkpoint.
 */
@ExtendWith(PrivateGraftHome.class)
class ImageCheckpointTest {

    @TempDir
    Path dir;

    /** A narrow random ResNet-18 backbone directory with a 32-pixel preprocessing. */
    private Path backbone() throws Exception {
        return TinyImages.backbone(dir, 36);
    }

    private CliHarness.Result train(Path images, Path backbone, String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--train", images.toString(), "--model", backbone.toString(),
                "--strategy", "fine-tune", "--epochs", "2", "--batch-size", "8", "--augment", "noflip", "--no-baseline",
                "--no-track", "--out", dir.resolve(out).toString()));
        args.addAll(List.of(extra));
        return CliHarness.run(args.toArray(String[]::new));
    }

    private JsonNode metrics(String out) throws Exception {
        return new ObjectMapper().readTree(dir.resolve(out).resolve("metrics.json").toFile());
    }

    @Test
    void imageFineTuningCheckpointsAndResumesLikeText() throws Exception {
        Random r = new Random(4);
        Path images = dir.resolve("images");
        for (int i = 0; i < 10; i++) {
            ImageTrainReportTest.square(images.resolve("dark").resolve(i + ".png"), r, false);
            ImageTrainReportTest.square(images.resolve("light").resolve(i + ".png"), r, true);
        }
        Path backbone = backbone();

        CliHarness.Result plain = train(images, backbone, "m1");
        assertEquals(0, plain.code(), plain::toString);
        assertTrue(plain.err().contains("checkpoints: " + dir.resolve("m1.checkpoint")), plain.err());
        assertFalse(Files.exists(dir.resolve("m1.checkpoint")), "the default checkpoint is removed after a successful run");

        Path ckpt = dir.resolve("ckpt");
        CliHarness.Result kept = train(images, backbone, "m2", "--checkpoint-dir", ckpt.toString());
        assertEquals(0, kept.code(), kept::toString);
        assertTrue(Files.isRegularFile(ckpt.resolve("state.json")), "a named checkpoint directory is kept");
        assertEquals(metrics("m1").get("validation"), metrics("m2").get("validation"), "checkpointing changes nothing");

        CliHarness.Result again = train(images, backbone, "m3", "--checkpoint-dir", ckpt.toString());
        assertEquals(GraftCli.FAILURE, again.code(), again::toString);
        assertTrue(again.err().contains("holds the checkpoint of an interrupted run"), again.err());

        CliHarness.Result other = train(images, backbone, "m4", "--resume", ckpt.toString(), "--lr", "0.05");
        assertEquals(GraftCli.FAILURE, other.code(), other::toString);
        assertTrue(other.err().contains("different model, data or settings"), other.err());

        CliHarness.Result resumed = train(images, backbone, "m5", "--resume", ckpt.toString());
        assertEquals(0, resumed.code(), resumed::toString);
        assertTrue(resumed.err().contains("(resuming)"), resumed.err());
        assertEquals(metrics("m2").get("validation"), metrics("m5").get("validation"), "the resumed run ends where the checkpoint did");
        assertTrue(Files.isRegularFile(ckpt.resolve("state.json")), "a checkpoint resumed from is kept");

        CliHarness.Result features = CliHarness.run("train", "--train", images.toString(), "--model", backbone.toString(),
                "--out", dir.resolve("m6").toString(), "--no-track", "--resume", ckpt.toString());
        assertEquals(GraftCli.FAILURE, features.code(), features::toString);
        assertTrue(features.err().contains("--resume applies to --strategy fine-tune"), features.err());
    }
}
