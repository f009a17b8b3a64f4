package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft auto}'s parsing: durations, and the training settings it chooses itself refused by flag. */
class AutoCommandTest {

    @TempDir
    Path dir;

    @Test
    void durationsInSecondsMinutesAndHours() {
        assertEquals(Duration.ofSeconds(300), AutoCommand.parse("5m"));
        assertEquals(Duration.ofSeconds(900), AutoCommand.parse("900s"));
        assertEquals(Duration.ofSeconds(900), AutoCommand.parse("15m"));
        assertEquals(Duration.ofSeconds(45), AutoCommand.parse("45"));
        assertEquals(Duration.ofMinutes(90), AutoCommand.parse("1.5h"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> AutoCommand.parse("5 minutes"));
        assertTrue(bad.getMessage().contains("--time-limit takes a duration such as 300s, 5m or 1h, got '5 minutes'"), bad.getMessage());
    }

    @Test
    void settingsAutoChoosesAreRefusedNamingTheFlags() throws Exception {
        Path train = CliHarness.csv(dir, "train.csv", java.util.List.of(new String[] {"a b", "x"}, new String[] {"c d", "y"}));
        CliHarness.Result r = CliHarness.run("auto", "--train", train.toString(), "--out", dir.resolve("out").toString(),
                "--time-limit", "1m", "--epochs", "3", "--model", "minilm");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("--model, --epochs are not used by graft auto"), r.err());
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written");

        CliHarness.Result limit = CliHarness.run("auto", "--train", train.toString(), "--out", dir.resolve("out").toString(),
                "--time-limit", "soon");
        assertEquals(1, limit.code(), limit::toString);
        assertTrue(limit.err().contains("--time-limit takes a duration"), limit.err());
    }

    @Test
    void tasksAutoDoesNotSearchAreRefusedNamingTheTaskFlag() throws Exception {
        Path train = Files.writeString(dir.resolve("train.txt"), "EU B-ORG\nrejects O\n\nPeter B-PER\nsaid O\n");
        CliHarness.Result r = CliHarness.run("auto", "--train", train.toString(), "--task", "ner", "--out", dir.resolve("out").toString(),
                "--time-limit", "1m");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("--task token-classification is not one of them. Train it with `graft train`"), r.err());
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written");

        CliHarness.Result factor = CliHarness.run("auto", "--train", train.toString(), "--out", dir.resolve("out").toString(),
                "--time-limit", "1m", "--speed-factor", "0");
        assertEquals(1, factor.code(), factor::toString);
        assertTrue(factor.err().contains("--speed-factor must be a positive number, got 0.0"), factor.err());
    }
}
