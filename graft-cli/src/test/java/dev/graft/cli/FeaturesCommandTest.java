package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturesCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesAnArchiveOnceAndRefusesTrainingOptions() throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(new String[] {"the team won match " + i, "sports"});
            rows.add(new String[] {"bake the cake for " + i + " minutes", "food"});
        }
        Path train = CliHarness.csv(dir, "train.csv", rows);
        Path out = dir.resolve("f.npz");
        CliHarness.Result r = CliHarness.run("features", "--train", train.toString(), "--out", out.toString(), "--pooling",
                "mean-last-2", "-q");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("384 features each") && r.out().contains("(mean-last-2)") && r.out().contains("test "),
                r.toString());
        long size = Files.size(out);
        assertTrue(size > 20 * 384 * 4, "all 20 rows of 384 floats: " + size);

        r = CliHarness.run("features", "--train", train.toString(), "--out", out.toString(), "-q");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--out " + out) && r.err().contains("exists"), r.toString());
        assertEquals(size, Files.size(out));

        r = CliHarness.run("features", "--train", train.toString(), "--out", dir.resolve("g.npz").toString(), "--epochs", "3");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--epochs is not used by graft features"), r.toString());
        r = CliHarness.run("features", "--train", train.toString(), "--out", dir.resolve("g.npz").toString(), "--pooling", "max");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--pooling names pooling 'max'"), r.toString());
    }
}
