package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft rank}: LogME of each candidate's frozen features, next to the measured feature-extraction accuracy. */
@ExtendWith(PrivateGraftHome.class)
class RankCommandTest {

    @TempDir
    Path dir;

    @Test
    void pretrainedMiniLmOutranksItsRandomInitTwinAndTheOrderMatchesMeasuredAccuracy() {
        Path examples = Path.of(System.getProperty("graft.repo.root", "..")).resolve("examples/support-tickets");
        CliHarness.Result r = CliHarness.run("rank", "--train", examples.resolve("train.csv").toString(), "--test",
                examples.resolve("test.csv").toString(), "--models", "minilm-random,minilm", "--measure", "--seed", "7", "-q");
        assertEquals(0, r.code(), r::toString);
        // rank backbone LogME features-s LogME-s accuracy macro-F1
        Matcher row = Pattern.compile("(?m)^(\\d)\\s+(\\S+)\\s+(-?\\d+\\.\\d+)\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\d\\s+(\\d\\.\\d{4})\\s+(\\d\\.\\d{4})$")
                .matcher(r.out());
        List<String[]> rows = new java.util.ArrayList<>();
        while (row.find()) {
            rows.add(new String[] {row.group(1), row.group(2), row.group(3), row.group(4)});
        }
        assertEquals(2, rows.size(), r.out());
        assertEquals("minilm", rows.get(0)[1], "the pretrained encoder ranks first: " + r.out());
        assertEquals("minilm-random", rows.get(1)[1]);
        assertTrue(Double.parseDouble(rows.get(0)[2]) > Double.parseDouble(rows.get(1)[2]), r.out());
        double pretrained = Double.parseDouble(rows.get(0)[3]);
        double random = Double.parseDouble(rows.get(1)[3]);
        assertTrue(pretrained > random + 0.2, "measured accuracy " + pretrained + " vs " + random);
        assertTrue(r.out().contains("Kendall's tau between LogME and measured accuracy: 1.00"), r.out());
        System.out.println(Arrays.toString(rows.get(0)) + " " + Arrays.toString(rows.get(1)));
    }

    @Test
    void refusesTheFineTuningOptionsItWouldIgnore() {
        CliHarness.Result r = CliHarness.run("rank", "--train", dir.resolve("none.csv").toString(), "--unfreeze", "2", "--lora-rank", "4");
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("--unfreeze, --lora-rank are not used by graft rank"), r::toString);
    }
}
