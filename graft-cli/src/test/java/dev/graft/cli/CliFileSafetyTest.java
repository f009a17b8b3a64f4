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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graft never deletes or overwrites a file it did not write (the reliability issue's items 1, 2, 3 and 7): each
 * test is a case that lost a user's files before, run through the CLI as a user would.
 */
@ExtendWith(PrivateGraftHome.class)
class CliFileSafetyTest {

    @TempDir
    Path dir;

    private Path data() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(new String[] {"The team won the match " + i, "sports"});
            rows.add(new String[] {"I baked a cake with flour " + i, "food"});
        }
        return CliHarness.csv(dir, "train.csv", rows);
    }

    private static void assertRefused(CliHarness.Result r, String... parts) {
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: ")).count(), r::toString);
        for (String p : parts) {
            assertTrue(r.err().contains(p), () -> "stderr lacks '" + p + "': " + r);
        }
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void modelsImportIntoAFolderWithTheUsersFilesIsRefusedAndDeletesNothing() throws IOException {
        Path mine = Files.createDirectory(dir.resolve("my-folder"));
        Files.writeString(mine.resolve("NOTES.txt"), "keep me");
        Path onnx = Files.writeString(dir.resolve("net.onnx"), "not really onnx");
        assertRefused(CliHarness.run("models", "import", "--onnx", onnx.toString(), "--out", mine.toString()),
                mine.toString(), "NOTES.txt", "Graft never deletes");
        assertEquals("keep me", Files.readString(mine.resolve("NOTES.txt")));
        assertEquals(List.of("", "NOTES.txt"), CliHarness.tree(mine));
    }

    @Test
    void modelsImportIntoAModelFolderIsRefused() throws IOException {
        Path model = dir.resolve("model");
        assertEquals(0, CliHarness.run("train", "-q", "--train", data().toString(), "--epochs", "1", "--no-baseline",
                "--out", model.toString()).code());
        List<String> before = CliHarness.tree(model);
        Path onnx = Files.writeString(dir.resolve("net.onnx"), "x");
        assertRefused(CliHarness.run("models", "import", "--onnx", onnx.toString(), "--out", model.toString()),
                "holds a Graft model, not a Graft backbone");
        assertEquals(before, CliHarness.tree(model));
    }

    @Test
    void modelsImportNameThatEscapesTheGraftHomeIsRefused() throws IOException {
        Path onnx = Files.writeString(dir.resolve("net.onnx"), "x");
        assertRefused(CliHarness.run("models", "import", "--onnx", onnx.toString(), "--name", "../../../x"),
                "--name '../../../x' is not a plain model name");
        assertRefused(CliHarness.run("models", "import", "--onnx", onnx.toString(), "--name", "/tmp/x"), "not a plain model name");
    }

    @Test
    void outputThatIsTheWorkingDirectoryIsRefusedBeforeAnyWork() throws IOException {
        List<String> before = CliHarness.tree(dir);
        assertRefused(CliHarness.run("train", "-q", "--train", data().toString(), "--out", "."), "the working directory");
        assertRefused(CliHarness.run("train", "-q", "--train", data().toString(), "--out", ".."), "holds the working directory");
        assertEquals(before.size() + 1, CliHarness.tree(dir).size(), "only the data file was added");
    }

    @Test
    void checkpointDirWithTheUsersFilesIsRefusedBeforeTraining() throws IOException {
        Path mine = Files.createDirectory(dir.resolve("results"));
        Files.writeString(mine.resolve("table.csv"), "a,b");
        assertRefused(CliHarness.run("train", "-q", "--train", data().toString(), "--strategy", "fine-tune", "--checkpoint-dir",
                mine.toString(), "--out", dir.resolve("m").toString()), mine.toString(), "table.csv");
        assertEquals(List.of("", "table.csv"), CliHarness.tree(mine));
        assertFalse(Files.exists(dir.resolve("m")));
    }

    @Test
    void checkpointDirThatIsOrHoldsTheOutputFolderIsRefusedBeforeTraining() throws IOException {
        Path out = dir.resolve("m");
        assertRefused(CliHarness.run("train", "-q", "--train", data().toString(), "--strategy", "fine-tune", "--checkpoint-dir",
                out.toString(), "--out", out.toString()), "is the output folder");
        assertRefused(CliHarness.run("train", "-q", "--train", data().toString(), "--strategy", "fine-tune", "--checkpoint-dir",
                out.resolve("ckpt").toString(), "--out", out.toString()), "lies inside the output folder");
        assertRefused(CliHarness.run("train", "-q", "--train", data().toString(), "--strategy", "fine-tune", "--checkpoint-dir",
                dir.toString(), "--out", out.toString()), "holds the output folder");
        assertEquals(List.of("", "train.csv"), CliHarness.tree(dir));
    }

    @Test
    void anInterruptedRunsCheckpointIsNeitherOverwrittenNorDeletedByANewRun() throws IOException {
        Path ckpt = Files.createDirectory(dir.resolve("m.checkpoint"));
        Files.writeString(ckpt.resolve("state.json"), "{\"formatVersion\":1}");
        Files.writeString(ckpt.resolve("model.safetensors"), "weights of the interrupted run");
        List<String> before = CliHarness.tree(ckpt);
        assertRefused(CliHarness.run("train", "-q", "--train", data().toString(), "--strategy", "fine-tune",
                "--out", dir.resolve("m").toString()), ckpt.toString(), "interrupted run", "Resume that run");
        assertEquals(before, CliHarness.tree(ckpt));
        assertEquals("weights of the interrupted run", Files.readString(ckpt.resolve("model.safetensors")));
    }

    @Test
    void replacingAModelKeepsTheFilesTheUserPutInItsFolder() throws IOException {
        Path train = data();
        Path model = dir.resolve("model");
        assertEquals(0, CliHarness.run("train", "-q", "--train", train.toString(), "--epochs", "1", "--no-baseline",
                "--out", model.toString()).code());
        Files.writeString(model.resolve("NOTES.txt"), "what I tried");
        Files.copy(train, model.resolve("train.csv"));
        CliHarness.Result r = CliHarness.run("train", "--train", train.toString(), "--epochs", "2", "--no-baseline",
                "--out", model.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Replaced the model"), r::toString);
        assertTrue(r.err().contains("note: kept your 2 files"), r::toString);
        assertEquals("what I tried", Files.readString(model.resolve("NOTES.txt")));
        assertEquals(Files.readString(train), Files.readString(model.resolve("train.csv")));
        assertTrue(Files.readString(model.resolve("metrics.json")).contains("\"epochs_run\" : 2"), "the new model is in place");
        assertEquals(List.of("model", "train.csv"), Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(),
                "no hidden staging or previous version remains");
    }

    @Test
    void aModelLeftAsideByAKillBetweenTheRenamesIsRestoredAndLeftoversCleaned() throws Exception {
        Path train = data();
        Path model = dir.resolve("model");
        assertEquals(0, CliHarness.run("train", "-q", "--train", train.toString(), "--epochs", "1", "--no-baseline",
                "--out", model.toString()).code());
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.move(model, dir.resolve(".model.old-" + gone.pid() + "-0a1b2c3d"));
        Path partial = Files.createDirectory(dir.resolve(".model.partial-" + gone.pid() + "-0a1b2c3d"));
        Files.writeString(partial.resolve("head.safetensors"), "half written");
        CliHarness.Result r = CliHarness.run("evaluate", "--model", model.toString(), "--data", train.toString());
        assertEquals(GraftCli.FAILURE, r.code(), "evaluate reads, it does not repair");
        CliHarness.Result t = CliHarness.run("train", "--train", train.toString(), "--epochs", "1", "--no-baseline",
                "--out", model.toString());
        assertEquals(0, t.code(), t::toString);
        assertTrue(t.err().contains("note: restored " + model), t::toString);
        assertTrue(t.out().contains("Replaced the model"), t::toString);
        assertEquals(List.of("model", "train.csv"), Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList());
    }
}
