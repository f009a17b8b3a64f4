package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft train --task qa}, {@code graft evaluate} and {@code graft predict} on small generated JSON Lines files. */
class CliQaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] PEOPLE = {
            {"Anna Keller", "Vienna", "pilot"}, {"Marco Rossi", "Naples", "baker"}, {"Sophie Martin", "Lyon", "nurse"},
            {"Jonas Berg", "Bergen", "teacher"}, {"Clara Weiss", "Zurich", "lawyer"}, {"Pedro Alves", "Porto", "farmer"},
            {"Emma Walker", "Lisbon", "painter"}, {"Robert Harris", "Prague", "doctor"},
    };

    @TempDir
    Path dir;

    /** Two questions about each of {@code people[from, to)}, one JSON object per line. */
    private Path jsonl(String name, int from, int to) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            String[] p = PEOPLE[i];
            String context = p[0] + " was born in " + p[1] + ". Today " + p[0] + " works as a " + p[2] + ".";
            String[][] qa = {{"Where was " + p[0] + " born?", p[1]}, {"What is the job of " + p[0] + "?", p[2]}};
            for (int k = 0; k < qa.length; k++) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", i + "-" + k);
                o.put("question", qa[k][0]);
                o.put("context", context);
                ObjectNode answers = o.putObject("answers");
                answers.putArray("text").add(qa[k][1]);
                answers.putArray("answer_start").add(context.indexOf(qa[k][1]));
                b.append(JSON.writeValueAsString(o)).append('\n');
            }
        }
        return Files.writeString(dir.resolve(name), b.toString());
    }

    @Test
    void trainsEvaluatesAndPredictsAnswersThatSliceTheContext() throws IOException {
        Path train = jsonl("train.jsonl", 0, 6);
        Path test = jsonl("test.jsonl", 6, 8);
        Path model = dir.resolve("qa");
        CliHarness.Result r = CliHarness.run("train", "--task", "qa", "--format", "jsonl", "--train", train.toString(),
                "--val", train.toString(), "--test", test.toString(), "--epochs", "30", "--max-length", "48",
                "--doc-stride", "8", "--max-answer-length", "5", "--out", model.toString(), "-q");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("squad_f1") && r.out().contains("Baseline overlap-sentence"), r.out());
        JsonNode metrics = JSON.readTree(model.resolve("metrics.json").toFile());
        assertEquals(4, metrics.path("test").path("total").asInt());
        double f1 = metrics.path("test").path("f1").asDouble();
        assertEquals(2, metrics.path("baselines").size());
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
