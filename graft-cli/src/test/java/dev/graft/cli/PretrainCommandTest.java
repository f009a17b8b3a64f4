package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft pretrain}: bad input fails early and clearly; a short run writes a backbone that {@code graft train} fine-tunes. */
class PretrainCommandTest {

    @TempDir
    Path dir;

    private Path texts() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(new String[] {"The kettle boils water quickly " + i, "pos"});
            rows.add(new String[] {"The pan scratched after a week " + i, "neg"});
        }
        return CliHarness.csv(dir, "texts.csv", rows);
    }

    private void failsWithout(CliHarness.Result r, Path out, String... expected) {
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        for (String e : expected) {
            assertTrue(r.err().contains(e), () -> "expected '" + e + "' in\n" + r);
        }
        assertFalse(Files.exists(out), "nothing is written on bad input");
    }

    @Test
    void badSettingsAndFilesFailBeforeAnyTraining() throws IOException {
        Path out = dir.resolve("out");
        Path texts = texts();
        failsWithout(CliHarness.run("pretrain", "-q", "--text", texts.toString(), "--out", out.toString(), "--mask-prob", "1.5"),
                out, "--mask-prob", "(0, 1)");
        failsWithout(CliHarness.run("pretrain", "-q", "--text", dir.resolve("missing.csv").toString(), "--out", out.toString()),
                out, "missing.csv");
        // excluding every text leaves nothing to train on
        failsWithout(CliHarness.run("pretrain", "-q", "--text", texts.toString(), "--exclude", texts.toString(), "--out", out.toString()),
                out, "at least 2 texts");
        Path foreign = dir.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        CliHarness.Result r = CliHarness.run("pretrain", "-q", "--text", texts.toString(), "--out", foreign.toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("not a Graft backbone") && r.err().contains("notes.txt"), r::toString);
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
    }

    @Test
    void shortRunSavesABackboneThatTrainFineTunes() throws IOException {
        Path out = dir.resolve("kitchen-mlm");
        Path texts = texts();
        CliHarness.Result r = CliHarness.run("pretrain", "--text", texts.toString(), "--out", out.toString(), "--epochs", "1",
                "--batch-size", "4", "--max-length", "16", "--val-fraction", "0.2", "--seed", "3");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Saved sentence-transformers/all-MiniLM-L6-v2+mlm"), r::toString);
        assertTrue(r.err().contains("train_mlm_loss"), r::toString);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "backbone.json", "mlm_head.safetensors",
                "pretraining.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertFalse(Files.exists(dir.resolve("kitchen-mlm.checkpoint")), "checkpoints are removed after a successful run");

        Path model = dir.resolve("classifier");
        CliHarness.Result t = CliHarness.run("train", "-q", "--no-track", "--train", texts.toString(), "--val", texts.toString(),
                "--model", out.toString(), "--strategy", "fine-tune", "--epochs", "1", "--batch-size", "4", "--out", model.toString());
        assertEquals(0, t.code(), t::toString);
        assertTrue(Files.readString(model.resolve("graft-model.json")).contains("+mlm"), "the classifier records the adapted backbone");
    }
}
