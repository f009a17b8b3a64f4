package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.RunStatus;
import dev.graft.tracking.StoredRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft train --task ner}, {@code graft evaluate} and {@code graft predict} on a small generated CoNLL corpus. */
class CliNerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] TEMPLATES = {
            {"P", "visited", "L", "last", "week", "."},
            {"Yesterday", "P", "flew", "to", "L", "."},
            {"P", "lives", "in", "L", "with", "his", "family", "."},
            {"The", "mayor", "of", "L", "met", "P", "on", "Monday", "."},
    };

    @TempDir
    Path dir;

    private Path conll(String name, int n, String[] people, String[] places, long seed) throws IOException {
        Random rng = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < n; s++) {
            for (String w : TEMPLATES[s % TEMPLATES.length]) {
                if (w.equals("P")) {
                    String[] name2 = people[rng.nextInt(people.length)].split(" ");
                    b.append(name2[0]).append(" NNP B-NP B-PER\n").append(name2[1]).append(" NNP I-NP I-PER\n");
                } else if (w.equals("L")) {
                    b.append(places[rng.nextInt(places.length)]).append(" NNP B-NP B-LOC\n");
                } else {
                    b.append(w).append(" X O O\n");
                }
            }
            b.append('\n');
        }
        return Files.writeString(dir.resolve(name), b.toString());
    }

    @Test
    void trainsEvaluatesAndPredictsEntitiesWithOffsets() throws IOException {
        Path train = conll("train.conll", 60, new String[] {"John Smith", "Mary Brown", "Peter Wilson", "Anna Taylor"},
                new String[] {"Paris", "Berlin", "Madrid", "Rome"}, 1);
        Path test = conll("test.conll", 24, new String[] {"Emma Walker", "Robert Harris"}, new String[] {"Lisbon", "Prague"}, 2);
        Path model = dir.resolve("ner");
        Path store = dir.resolve("mlruns");
        CliHarness.Result r = CliHarness.run("train", "--task", "ner", "--format", "conll", "--train", train.toString(),
                "--test", test.toString(), "--epochs", "40", "--out", model.toString(), "-q", "--tracking-dir", store.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Baseline most-frequent-tag") && r.out().contains("micro_f1"), r.out());
        JsonNode metrics = JSON.readTree(model.resolve("metrics.json").toFile());
        double f1 = metrics.path("test").path("micro_f1").asDouble();
        double baseline = metrics.path("baselines").get(0).path("scores").path("micro_f1").asDouble();
        assertTrue(f1 > 0.7 && f1 > baseline + 0.5, "model " + f1 + " vs baseline " + baseline);
        JsonNode confusion = metrics.path("confusion").path("gold_by_predicted");
        assertEquals(metrics.path("test").path("per_type").path("PER").path("support").asInt(),
                confusion.path("PER").path("PER").asInt() + confusion.path("PER").path("LOC").asInt()
                        + confusion.path("PER").path("(missed)").asInt(), "each gold PER is counted once in its confusion row");

        // tracked like a classification run: per-epoch validation entity F1, the summary scores, the model's files
        List<StoredRun> runs = new FileStoreReader(store).runs("Default");
        assertEquals(1, runs.size());
        StoredRun run = runs.get(0);
        assertEquals(RunStatus.FINISHED, run.status());
        int epochs = metrics.path("history").size();
        assertEquals(epochs, run.metrics().get("val_micro_f1").size(), "one validation entity F1 per epoch");
        assertEquals(f1, run.latest("test_micro_f1").getAsDouble(), 1e-12);
        assertEquals(baseline, run.latest("baseline_most_frequent_tag_micro_f1").getAsDouble(), 1e-12);
        assertEquals("feature-extraction", run.tags().get("graft.strategy"));
        assertTrue(Files.isRegularFile(store.resolve(run.experimentId()).resolve(run.runId()).resolve("artifacts/model/metrics.json")));

        // the report: per-type scores, the type confusion and the worst sentences
        String html = Files.readString(model.resolve("report.html"));
        assertTrue(html.contains("<h2>Per-type scores</h2>") && html.contains("Confusion between entity types (test)")
                && html.contains("Sentences with the most entity errors (test)"), "NER sections");
        assertTrue(r.out().contains("Report: " + model.resolve("report.html").toAbsolutePath()), r.out());
        JsonNode manifest = JSON.readTree(model.resolve("graft-model.json").toFile());
        assertEquals("text-token-classification", manifest.path("task").asText());
        assertEquals("IOB2", manifest.path("task_settings").path("settings").path("scheme").asText());

        CliHarness.Result e = CliHarness.run("evaluate", "--model", model.toString(), "--data", test.toString(), "--json", "-q");
        assertEquals(0, e.code(), e.toString());
        assertEquals(f1, JSON.readTree(e.out()).path("micro_f1").asDouble(), 1e-9, "evaluate scores what training reported");

        String text = "Yesterday Emma Walker flew to Lisbon.";
        Path input = Files.writeString(dir.resolve("in.txt"), "\n" + text + "\n");
        CliHarness.Result p = CliHarness.run("predict", "--model", model.toString(), "--input", input.toString());
        assertEquals(0, p.code(), p.toString());
        String[] lines = p.out().strip().split("\n");
        assertTrue(lines.length >= 2, p.out());
        boolean person = false;
        for (String line : lines) {
            JsonNode o = JSON.readTree(line);
            assertEquals(2, o.path("line").asInt());
            assertEquals(o.path("text").asText(), text.substring(o.path("start").asInt(), o.path("end").asInt()));
            person |= o.path("type").asText().equals("PER") && o.path("text").asText().equals("Emma Walker");
        }
        assertTrue(person, p.out());

        // a JSON Lines file: each row keeps its fields and gains its entities with offsets into its text
        Path rows = Files.writeString(dir.resolve("rows.jsonl"), "{\"id\": 1, \"text\": \"" + text + "\"}\n");
        Path out = dir.resolve("rows-out.jsonl");
        CliHarness.Result f = CliHarness.run("predict", "--model", model.toString(), "--input", rows.toString(), "--output",
                out.toString(), "-q");
        assertEquals(0, f.code(), f.toString());
        JsonNode row = JSON.readTree(Files.readString(out));
        assertEquals(1, row.path("id").asInt());
        assertEquals(lines.length, row.path("entities").size(), "the entities that predict prints for the line");
        for (JsonNode entity : row.path("entities")) {
            assertEquals(entity.path("text").asText(), text.substring(entity.path("start").asInt(), entity.path("end").asInt()));
        }
    }

    @Test
    void resumeAppliesToFineTuningAndNeedsACheckpoint() throws IOException {
        Path train = conll("train.conll", 8, new String[] {"John Smith"}, new String[] {"Paris"}, 1);
        CliHarness.Result fe = CliHarness.run("train", "--task", "ner", "--train", train.toString(), "--out",
                dir.resolve("m").toString(), "--resume", dir.resolve("ckpt").toString(), "--no-track", "-q");
        assertEquals(GraftCli.FAILURE, fe.code(), fe.toString());
        assertTrue(fe.err().contains("--resume applies to --strategy fine-tune"), fe.err());
        CliHarness.Result ft = CliHarness.run("train", "--task", "ner", "--strategy", "fine-tune", "--train", train.toString(),
                "--out", dir.resolve("m").toString(), "--resume", dir.resolve("ckpt").toString(), "--no-track", "-q");
        assertEquals(GraftCli.FAILURE, ft.code(), ft.toString());
        assertTrue(ft.err().contains("No checkpoint to resume in " + dir.resolve("ckpt")), ft.err());
        assertFalse(Files.exists(dir.resolve("m")));
    }

    @Test
    void bf16FrozenTokenStatesAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path train = conll("train.conll", 8, new String[] {"John Smith"}, new String[] {"Paris"}, 1);
        CliHarness.Result r = CliHarness.run("train", "--task", "ner", "--train", train.toString(), "--precision", "bf16",
                "--out", dir.resolve("m").toString(), "--no-track", "-q");
        assertEquals(GraftCli.FAILURE, r.code(), r.toString());
        assertTrue(r.err().contains("--precision bf16 with --strategy feature-extraction applies to a text encoder's sentence"
                + " vectors; per-token states run on ONNX Runtime in fp32"), r.err());
        assertFalse(Files.exists(dir.resolve("m")));
    }

    @Test
    void badConllIsRefusedWithFileAndLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.conll"), "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nGerman JJ B-NP X-MISC\n");
        CliHarness.Result r = CliHarness.run("train", "--task", "ner", "--train", bad.toString(), "--out",
                dir.resolve("m").toString(), "-q");
        assertTrue(r.code() != 0, r.toString());
        assertTrue(r.err().contains(bad + ": line 4") && r.err().contains("X-MISC"), r.err());
        assertFalse(Files.exists(dir.resolve("m")));
    }
}
