package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.RunStatus;
import dev.graft.tracking.StoredRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft train --task qa}, {@code graft evaluate} and {@code graft predict} on small generated JSON Lines files. */
class CliQaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private Path jsonl(String name, int from, int to) throws IOException {
        return TinySquad.questions(dir.resolve(name), from, to);
    }

    @Test
    void trainsEvaluatesAndPredictsAnswersThatSliceTheContext() throws IOException {
        Path train = jsonl("train.jsonl", 0, 6);
        Path test = jsonl("test.jsonl", 6, 8);
        Path model = dir.resolve("qa");
        Path store = dir.resolve("mlruns");
        CliHarness.Result r = CliHarness.run("train", "--task", "qa", "--format", "jsonl", "--train", train.toString(),
                "--val", train.toString(), "--test", test.toString(), "--epochs", "30", "--max-length", "48",
                "--doc-stride", "8", "--max-answer-length", "5", "--out", model.toString(), "-q",
                "--tracking-dir", store.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("squad_f1") && r.out().contains("Baseline overlap-sentence"), r.out());
        JsonNode metrics = JSON.readTree(model.resolve("metrics.json").toFile());
        assertEquals(4, metrics.path("test").path("total").asInt());
        double f1 = metrics.path("test").path("f1").asDouble();
        assertEquals(2, metrics.path("baselines").size());
        double exact = metrics.path("test").path("exact").asDouble();

        // tracked like a classification run: per-epoch validation EM/F1, the summary scores, the baselines, the model's files
        List<StoredRun> runs = new FileStoreReader(store).runs("Default");
        assertEquals(1, runs.size());
        StoredRun run = runs.get(0);
        assertEquals(RunStatus.FINISHED, run.status());
        int epochs = metrics.path("history").size();
        assertEquals(epochs, run.metrics().get("val_squad_f1").size(), "one validation F1 per epoch");
        assertEquals(epochs, run.metrics().get("val_squad_exact").size(), "one validation exact match per epoch");
        assertEquals(f1, run.latest("test_squad_f1").getAsDouble(), 1e-12);
        assertEquals(exact, run.latest("test_squad_exact").getAsDouble(), 1e-12);
        assertEquals(metrics.path("validation").path("f1").asDouble(), run.latest("best_val_squad_f1").getAsDouble(), 1e-12);
        double baselineF1 = metrics.path("baselines").get(0).path("scores").path("f1").asDouble();
        assertEquals(baselineF1, run.latest("baseline_overlap_sentence_squad_f1").getAsDouble(), 1e-12);
        assertEquals("feature-extraction", run.tags().get("graft.strategy"), "the default strategy");
        assertEquals("48", run.params().get("max_length"));
        assertTrue(Files.isRegularFile(store.resolve(run.experimentId()).resolve(run.runId()).resolve("artifacts/model/metrics.json")));

        // the report: EM/F1 of both splits, the model next to the baselines, the worst questions with gold and predicted answers
        String html = Files.readString(model.resolve("report.html"));
        assertTrue(html.contains("<h2>Model and baselines (test, 4 questions)</h2>"), "QA scores section");
        assertTrue(html.contains(String.format(java.util.Locale.ROOT, "<tr><th>model</th><td>%.2f</td><td>%.2f</td></tr>", exact, f1)),
                "the model's test EM and F1");
        assertTrue(html.contains(String.format(java.util.Locale.ROOT, "<tr><th>baseline overlap-sentence</th><td>%.2f</td><td>%.2f</td>",
                metrics.path("baselines").get(0).path("scores").path("exact").asDouble(), baselineF1)), "the baseline's scores");
        assertTrue(html.contains("Worst-answered questions (test)"), "worst questions section");
        if (exact < 100) {
            // a question answered wrongly is listed with its question text and its gold answer
            assertTrue(html.contains("<mark class=\"miss\">") || html.contains("<mark class=\"ok\">"), "gold answer marked");
            assertTrue(html.contains("Where was Emma Walker born?") || html.contains("What is the job of Emma Walker?")
                    || html.contains("Where was Robert Harris born?") || html.contains("What is the job of Robert Harris?"),
                    "a test question is listed");
        } else {
            assertTrue(html.contains("Every one of the 4 questions was answered exactly."), html);
        }
        assertTrue(r.out().contains("Report: " + model.resolve("report.html").toAbsolutePath()), r.out());

        JsonNode manifest = JSON.readTree(model.resolve("graft-model.json").toFile());
        assertEquals("text-question-answering", manifest.path("task").asText());
        JsonNode settings = manifest.path("task_settings").path("settings");
        assertEquals(48, settings.path("max_length").asInt());
        assertEquals(5, settings.path("max_answer_tokens").asInt());
        assertFalse(settings.path("no_answer").asBoolean());

        CliHarness.Result e = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString(), "--json", "-q");
        assertEquals(0, e.code(), e.toString());
        assertEquals(f1, JSON.readTree(e.out()).path("f1").asDouble(), 1e-9, "evaluate scores what training reported");
        CliHarness.Result table = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString(), "-q");
        assertTrue(table.out().contains("exact") && table.out().contains("Baseline"), table.out());

        String context = "Emma Walker was born in Lisbon. Today Emma Walker works as a painter.";
        ObjectNode q = JSON.createObjectNode().put("id", "x").put("question", "Where was Emma Walker born?").put("context", context);
        Path input = Files.writeString(dir.resolve("in.jsonl"), "\n" + JSON.writeValueAsString(q) + "\n");
        CliHarness.Result p = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString());
        assertEquals(0, p.code(), p.toString());
        String[] lines = p.out().strip().split("\n");
        assertEquals(1, lines.length, p.out());
        JsonNode o = JSON.readTree(lines[0]);
        assertEquals("x", o.path("id").asText());
        assertEquals(o.path("answer").asText(), context.substring(o.path("start").asInt(), o.path("end").asInt()));
        assertTrue(o.path("score").asDouble() > 0 && o.path("score").asDouble() <= 1, lines[0]);

        Path bad = Files.writeString(dir.resolve("bad.jsonl"), JSON.writeValueAsString(q) + "\n{\"question\": \"Who?\"}\n");
        CliHarness.Result b = CliHarness.run("predict", "--model", model.toString(), "--input", bad.toString());
        assertTrue(b.code() != 0, b.toString());
        assertTrue(b.err().contains("line 2") && b.err().contains("context"), b.err());
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "{\"question\": \"Who?\", \"context\": \" \"}\n");
        CliHarness.Result c = CliHarness.run("predict", "--model", model.toString(), "--input", empty.toString());
        assertTrue(c.code() != 0 && c.err().contains("line 1: the context is empty"), c.toString());
    }

    @Test
    void aFormatThatDoesNotMatchTheFileIsRefused() throws IOException {
        Path train = jsonl("train.jsonl", 0, 2);
        CliHarness.Result r = CliHarness.run("train", "--task", "qa", "--format", "squad", "--train", train.toString(),
                "--out", dir.resolve("m").toString(), "-q");
        assertTrue(r.code() != 0, r.toString());
        assertTrue(r.err().contains(train + " reads as jsonl"), r.err());
        assertFalse(Files.exists(dir.resolve("m")));
    }
}
