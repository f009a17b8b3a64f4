package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.RunStatus;
import dev.graft.tracking.StoredRun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft train} writes report.html and plots/ into the model directory and records the run: in a file store
 * (read back with {@code graft runs}) or on an MLflow server (a loopback stand-in).
 */
class TrainReportTrackingTest {

    @TempDir
    Path dir;

    /** A tiny two-class data set; one text carries markup that the report must escape. */
    private Path[] data() throws Exception {
        List<String[]> train = new ArrayList<>();
        List<String[]> val = new ArrayList<>();
        String[] sports = {"The team won the match", "She scored a goal", "The runner finished the marathon",
                "The goalkeeper saved a penalty", "The cyclist won the stage", "The boxer won the fight"};
        String[] food = {"I baked a chocolate cake", "The soup needs more salt", "We ordered pizza with cheese",
                "Fry the onions until golden", "The bread is warm from the oven", "She cooked rice and chicken"};
        for (int i = 0; i < 5; i++) {
            train.add(new String[] {sports[i], "sports"});
            train.add(new String[] {food[i], "food"});
        }
        val.add(new String[] {sports[5], "sports"});
        val.add(new String[] {food[5], "food"});
        val.add(new String[] {"\"<script>alert(1)</script> the oven match\"", "sports"});
        val.add(new String[] {"\"<b>goal</b> cake\"", "food"});
        return new Path[] {CliHarness.csv(dir, "train.csv", train), CliHarness.csv(dir, "val.csv", val)};
    }

    @Test
    void trainWritesReportIntoTheModelAndRecordsTheRun() throws Exception {
        Path[] files = data();
        Path model = dir.resolve("models").resolve("tiny");
        Path store = dir.resolve("mlruns");
        CliHarness.Result r = CliHarness.run("train", "--train", files[0].toString(), "--val", files[1].toString(), "--out",
                model.toString(), "--epochs", "2", "--lr", "0.01", "-q", "--tracking-dir", store.toString(),
                "--experiment", "e2e", "--run-name", "tiny run");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Report: " + model.resolve("report.html").toAbsolutePath()), r::toString);
        assertTrue(r.out().contains("recorded in " + store.toAbsolutePath()), r::toString);

        // the report lives inside the model directory, written with it (no staging left beside it)
        String html = Files.readString(model.resolve("report.html"), StandardCharsets.UTF_8);
        assertFalse(Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?(https?:)?//").matcher(html).find(), "no external references");
        assertFalse(html.contains("<script>"), "example text must be escaped");
        assertEquals(7, html.split("src=\"data:image/png;base64,", -1).length - 1, "five charts, and ROC and PR curves for two classes");
        assertTrue(html.contains("tiny run") && html.contains("Most confident mistakes (validation)"), "title and section");
        for (String png : List.of("loss", "val_scores", "learning_rate", "confusion_matrix", "roc", "precision_recall", "class_balance")) {
            assertNotNull(ImageIO.read(model.resolve("plots/" + png + ".png").toFile()), png);
        }
        try (var entries = Files.list(model.getParent())) {
            assertEquals(List.of("tiny"), entries.map(p -> p.getFileName().toString()).toList(), "nothing beside the model");
        }

        // the run, read back
        List<StoredRun> runs = new FileStoreReader(store).runs("e2e");
        assertEquals(1, runs.size());
        StoredRun run = runs.get(0);
        assertEquals("tiny run", run.runName());
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals("0.01", run.params().get("learning_rate"));
        assertEquals("2", run.params().get("epochs"));
        assertEquals("minilm", run.params().get("model"));
        for (String m : List.of("train_loss", "val_loss", "val_accuracy", "val_macro_f1", "lr")) {
            assertEquals(2, run.metrics().get(m).size(), m);
            assertEquals(List.of(1L, 2L), run.metrics().get(m).stream().map(p -> p.step()).toList(), m);
        }
        for (String m : List.of("best_val_accuracy", "best_val_macro_f1", "total_seconds", "train_seconds", "peak_memory_mb")) {
            assertTrue(run.latest(m).isPresent(), m);
        }
        assertTrue(run.latest("peak_memory_mb").getAsDouble() > 10);
        assertEquals("VmHWM", run.tags().get("graft.peak_memory_source"));
        assertEquals("apache-2.0", run.tags().get("graft.model_license").toLowerCase());
        assertEquals("42", run.tags().get("graft.seed"));
        assertTrue(run.tags().get("graft.data.train.sha256").matches("[0-9a-f]{64}"));
        assertTrue(run.tags().containsKey("graft.version") && run.tags().containsKey("graft.command_line"));
        Path artifacts = store.resolve(run.experimentId()).resolve(run.runId()).resolve("artifacts/model");
        for (String f : List.of("report.html", "metrics.json", "provenance.json", "graft-model.json", "head.safetensors",
                "plots/loss.png")) {
            assertTrue(Files.isRegularFile(artifacts.resolve(f)), f);
        }
        assertFalse(Files.exists(artifacts.resolve("backbone")), "the encoder is not copied into every run");

        // graft runs list shows it; --no-track records nothing
        CliHarness.Result list = CliHarness.run("runs", "list", "--tracking-dir", store.toString());
        assertTrue(list.out().contains(run.runId()) && list.out().contains("tiny run"), list::toString);
        CliHarness.Result again = CliHarness.run("train", "--train", files[0].toString(), "--val", files[1].toString(), "--out",
                model.toString(), "--epochs", "1", "-q", "--tracking-dir", store.toString(), "--experiment", "e2e", "--no-track");
        assertEquals(0, again.code(), again::toString);
        assertEquals(1, new FileStoreReader(store).runs(null).size());
        assertTrue(Files.isRegularFile(model.resolve("report.html")), "the report comes with the replaced model too");
    }

    @Test
    void trainLogsToAnMlflowServer() throws Exception {
        Path[] files = data();
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(ex.getRequestMethod() + " " + path + " " + body);
            String answer = switch (path) {
                case "/api/2.0/mlflow/experiments/get-by-name" -> "{\"experiment\":{\"experiment_id\":\"3\"}}";
                case "/api/2.0/mlflow/runs/create" -> "{\"run\":{\"info\":{\"run_id\":\"r1\",\"experiment_id\":\"3\","
                        + "\"artifact_uri\":\"mlflow-artifacts:/3/r1/artifacts\"}}}";
                default -> "{}";
            };
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
        try {
            String uri = "http://127.0.0.1:" + server.getAddress().getPort();
            CliHarness.Result r = CliHarness.run("train", "--train", files[0].toString(), "--val", files[1].toString(), "--out",
                    dir.resolve("m").toString(), "--epochs", "2", "--lr", "0.01", "-q", "--tracking-uri", uri);
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().contains("Run r1 recorded in " + uri), r::toString);
            assertFalse(r.err().contains("warning"), r::toString);
        } finally {
            server.stop(0);
        }
        assertTrue(calls.get(0).startsWith("GET /api/2.0/mlflow/experiments/get-by-name"), calls::toString);
        assertTrue(calls.get(1).startsWith("POST /api/2.0/mlflow/runs/create"), calls::toString);
        assertTrue(calls.stream().filter(c -> c.startsWith("POST /api/2.0/mlflow/runs/log-batch") && c.contains("\"val_loss\""))
                .count() >= 2, "per-epoch metrics logged: " + calls);
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("PUT /api/2.0/mlflow-artifacts/artifacts/3/r1/artifacts/model/report.html")),
                calls::toString);
        String last = calls.get(calls.size() - 1);
        assertTrue(last.startsWith("POST /api/2.0/mlflow/runs/update") && last.contains("\"FINISHED\""), last);
    }
}
