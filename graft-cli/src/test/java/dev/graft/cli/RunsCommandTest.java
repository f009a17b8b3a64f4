package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tracking.FileRunTracker;
import dev.graft.tracking.RunStatus;
import dev.graft.tracking.TrackedRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft runs list|show|compare} over a store written by the tracker. */
class RunsCommandTest {

    @TempDir
    Path dir;

    private Path store;
    private String first;
    private String second;

    @BeforeEach
    void record() throws InterruptedException {
        store = dir.resolve("mlruns");
        FileRunTracker tracker = new FileRunTracker(store);
        try (TrackedRun a = tracker.startRun("tickets", "baseline", Map.of("graft.version", "0.1.0"))) {
            a.logParams(Map.of("learning_rate", "0.01", "epochs", "5", "model", "minilm"));
            for (int e = 1; e <= 3; e++) {
                a.logMetrics(Map.of("train_loss", 1.0 / e, "val_loss", 1.1 / e, "val_accuracy", 0.6 + 0.1 * e,
                        "val_macro_f1", 0.5 + 0.1 * e, "lr", 0.01), e);
            }
            a.logMetrics(Map.of("best_val_accuracy", 0.9, "best_val_macro_f1", 0.8, "test_accuracy", 0.85,
                    "test_macro_f1", 0.84, "best_epoch", 3.0), 3);
            a.end(RunStatus.FINISHED);
            first = a.runId();
        }
        Thread.sleep(5); // distinct start times: list is newest first
        try (TrackedRun b = tracker.startRun("tickets", "wider-head", Map.of())) {
            b.logParams(Map.of("learning_rate", "0.003", "epochs", "5", "model", "minilm", "hidden", "64"));
            b.logMetrics(Map.of("best_val_accuracy", 0.95, "best_val_macro_f1", 0.94), 1);
            second = b.runId();
        } // not ended: FAILED
    }

    @Test
    void listShowsRunsNewestFirstWithKeyMetrics() {
        CliHarness.Result r = CliHarness.run("runs", "list", "--tracking-dir", store.toString());
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith("RUN ID") && lines.get(0).contains("STATUS") && lines.get(0).contains("START")
                && lines.get(0).contains("VAL ACC") && lines.get(0).contains("TEST F1"), r::toString);
        assertTrue(lines.get(1).startsWith(second) && lines.get(1).contains("wider-head") && lines.get(1).contains("FAILED")
                && lines.get(1).contains("0.9500"), r::toString);
        assertTrue(lines.get(2).startsWith(first) && lines.get(2).contains("baseline") && lines.get(2).contains("FINISHED")
                && lines.get(2).contains("tickets") && lines.get(2).contains("0.8400"), r::toString);

        CliHarness.Result limited = CliHarness.run("runs", "list", "--tracking-dir", store.toString(), "-n", "1");
        assertTrue(limited.out().contains("1 older run(s) not shown"), limited::toString);
        CliHarness.Result other = CliHarness.run("runs", "list", "--tracking-dir", store.toString(), "--experiment", "nope");
        assertTrue(other.out().startsWith("No runs in"), other::toString);
    }

    @Test
    void showPrintsParamsMetricsEpochsAndTags() {
        CliHarness.Result r = CliHarness.run("runs", "show", first.substring(0, 6), "--tracking-dir", store.toString());
        assertEquals(0, r.code(), r::toString);
        String out = r.out();
        assertTrue(out.startsWith("Run " + first + "  baseline"), r::toString);
        assertTrue(out.contains("status       FINISHED"), r::toString);
        assertTrue(out.contains("Params:\n  epochs = 5\n  learning_rate = 0.01\n  model = minilm\n"), r::toString);
        assertTrue(out.contains("  test_macro_f1 = 0.8400"), r::toString);
        assertTrue(out.contains("  best_epoch = 3"), r::toString);
        assertTrue(out.contains("  val_loss = 0.3667  (3 values)"), r::toString);
        assertTrue(out.contains("Per epoch:"), r::toString);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+3\\s+0\\.3333\\s+0\\.3667\\s+0\\.9000\\s+0\\.8000\\s+0\\.0100")), r::toString);
        assertTrue(out.contains("  graft.version = 0.1.0") && out.contains("  mlflow.runName = baseline"), r::toString);
    }

    @Test
    void compareIsSideBySideAndMarksDifferences() {
        CliHarness.Result r = CliHarness.run("runs", "compare", first, second.substring(0, 10), "--tracking-dir", store.toString());
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).contains(first.substring(0, 8) + " baseline") && lines.get(0).contains(second.substring(0, 8) + " wider-head"),
                r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s*\\* learning_rate\\s+0\\.01\\s+0\\.003")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s*\\* hidden\\s+-\\s+64")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+epochs\\s+5\\s+5")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+best_val_accuracy\\s+0\\.9000\\s+0\\.9500")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+test_macro_f1\\s+0\\.8400\\s+-")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("status\\s+FINISHED\\s+FAILED")), r::toString);

        CliHarness.Result diff = CliHarness.run("runs", "compare", first, second, "--diff", "--tracking-dir", store.toString());
        assertTrue(!diff.out().contains(" epochs ") && diff.out().contains("learning_rate"), diff::toString);
    }

    @Test
    void unknownRunsAndStoresAreClearErrors() {
        CliHarness.Result r = CliHarness.run("runs", "show", "ffffffff", "--tracking-dir", store.toString());
        assertEquals(GraftCli.FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("No run 'ffffffff'") && r.err().contains("graft runs list"), r::toString);
        CliHarness.Result missing = CliHarness.run("runs", "list", "--tracking-dir", dir.resolve("none").toString());
        assertEquals(GraftCli.FAILURE, missing.code(), missing::toString);
        assertTrue(missing.err().contains("No run store at"), missing::toString);
        CliHarness.Result one = CliHarness.run("runs", "compare", first, "--tracking-dir", store.toString());
        assertEquals(2, one.code(), one::toString);
    }
}
