package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.api.Graft;
import dev.graft.data.TaskKind;
import dev.graft.metrics.EntityMetrics;
import dev.graft.metrics.SquadMetrics;
import dev.graft.report.HtmlReport;
import dev.graft.run.EvaluationResult;
import dev.graft.run.RunTracking;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingResult;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.strategy.TokenClassification;
import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.StoredRun;
import dev.graft.util.Arguments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named-entity recognition and extractive question answering from Java are the run {@code graft train --task ner|qa}
 * does: one {@code Graft.train} call writes the same metrics.json (same scores, bit for bit, on the same seed),
 * baselines, report and tracked run, and {@code Graft.evaluate} scores as {@code graft evaluate} does.
 */
class JavaApiTaskParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] TEMPLATES = {
            {"P", "visited", "L", "last", "week", "."},
            {"Yesterday", "P", "flew", "to", "L", "."},
            {"P", "lives", "in", "L", "."},
    };
    private static final String[] NAMES = {"John Smith", "Mary Brown", "Peter Wilson", "Anna Taylor", "Emma Walker"};
    private static final String[] PLACES = {"Paris", "Berlin", "Madrid", "Rome", "Lisbon"};
    @TempDir
    Path dir;

    /** {@code n} CoNLL sentences from the templates, names and places chosen in turn from {@code offset}. */
    private Path conll(String name, int n, int offset) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < n; s++) {
            for (String w : TEMPLATES[s % TEMPLATES.length]) {
                if (w.equals("P")) {
                    String[] person = NAMES[(s + offset) % NAMES.length].split(" ");
                    b.append(person[0]).append(" B-PER\n").append(person[1]).append(" I-PER\n");
                } else if (w.equals("L")) {
                    b.append(PLACES[(s * 3 + offset) % PLACES.length]).append(" B-LOC\n");
                } else {
                    b.append(w).append(" O\n");
                }
            }
            b.append('\n');
        }
        return Files.writeString(dir.resolve(name), b.toString());
    }

    @Test
    void nerFromJavaIsTheCliRun() throws Exception {
        Path train = conll("train.conll", 30, 0);
        Path test = conll("test.conll", 9, 2);
        Path cliModel = dir.resolve("cli-ner");
        Path cliStore = dir.resolve("cli-mlruns");
        CliHarness.Result r = CliHarness.run("train", "--task", "ner", "--strategy", "feature-extraction", "--train", train.toString(),
                "--test", test.toString(), "--epochs", "1", "--crf", "--out", cliModel.toString(), "-q", "--tracking-dir",
                cliStore.toString(), "--run-name", "parity");
        assertEquals(0, r.code(), r::toString);

        Path javaModel = dir.resolve("java-ner");
        Path javaStore = dir.resolve("java-mlruns");
        try (TrainingResult result = Graft.train(TrainingRequest.of(train, javaModel).task(TaskKind.TOKEN_CLASSIFICATION)
                .testFile(test).strategy("feature-extraction").epochs(1).crf("constrained")
                .tracking(RunTracking.fileStore(javaStore).withRunName("parity")))) {
            TokenClassification.Outcome outcome = assertInstanceOf(TokenClassification.Outcome.class, result.outcome());
            assertTrue(outcome.classifier().task().crf().isPresent(), "the CRF decodes the Java run's tags too");
            assertEquals(List.of("most-frequent-tag"), List.copyOf(result.baselineScores().keySet()));
            assertEquals(javaModel.resolve(HtmlReport.REPORT_FILE), result.report().orElseThrow());
            assertEquals(3, result.validationExamples(), "10% of the 30 training sentences held out");
            assertEquals(9, result.testExamples().orElseThrow());
            sameRun(cliModel, result, "baseline_most_frequent_tag_micro_f1", cliStore, javaStore);

            EvaluationResult java = Graft.evaluate(javaModel, test);
            EntityMetrics.Scores scores = assertInstanceOf(EntityMetrics.Scores.class, java.metrics());
            CliHarness.Result e = CliHarness.run("evaluate", "--model", cliModel.toString(), "--data", test.toString(), "--json", "-q");
            assertEquals(0, e.code(), e::toString);
            assertEquals(JSON.readTree(e.out()), JSON.readTree(JSON.writeValueAsString(scores.toMap())), "evaluate: same scores");
            assertEquals(JSON.readTree(javaModel.resolve("metrics.json").toFile()).path("test").path("micro_f1").asDouble(),
                    scores.f1(), 1e-12, "evaluate scores what training reported");
        }
    }

    @Test
    void qaFromJavaIsTheCliRun() throws Exception {
        Path train = TinySquad.questions(dir.resolve("train.jsonl"), 0, 6);
        Path test = TinySquad.questions(dir.resolve("test.jsonl"), 6, 8);
        Path cliModel = dir.resolve("cli-qa");
        Path cliStore = dir.resolve("cli-mlruns");
        CliHarness.Result r = CliHarness.run("train", "--task", "qa", "--strategy", "fine-tune", "--train", train.toString(),
                "--val", train.toString(), "--test", test.toString(), "--epochs", "1", "--max-length", "48", "--doc-stride", "8",
                "--max-answer-length", "5", "--out", cliModel.toString(), "-q", "--tracking-dir", cliStore.toString(),
                "--run-name", "parity");
        assertEquals(0, r.code(), r::toString);

        Path javaModel = dir.resolve("java-qa");
        Path javaStore = dir.resolve("java-mlruns");
        try (TrainingResult result = Graft.train(TrainingRequest.of(train, javaModel).task(TaskKind.QUESTION_ANSWERING)
                .valFile(train).testFile(test).strategy("fine-tune").epochs(1).maxLength(48).docStride(8).maxAnswerLength(5)
                .tracking(RunTracking.fileStore(javaStore).withRunName("parity")))) {
            assertInstanceOf(QuestionAnswering.Outcome.class, result.outcome());
            assertEquals(List.of("overlap-sentence", "overlap-sentence-trimmed"), List.copyOf(result.baselineScores().keySet()));
            sameRun(cliModel, result, "baseline_overlap_sentence_squad_f1", cliStore, javaStore);

            EvaluationResult java = Graft.evaluate(javaModel, test);
            SquadMetrics.Scores scores = assertInstanceOf(SquadMetrics.Scores.class, java.metrics());
            CliHarness.Result e = CliHarness.run("evaluate", "--model", cliModel.toString(), "--data", test.toString(), "--json", "-q");
            assertEquals(0, e.code(), e::toString);
            assertEquals(JSON.readTree(e.out()), JSON.readTree(JSON.writeValueAsString(scores.toMap())), "evaluate: same scores");
            assertEquals(1, java.baselines().size(), "the word-overlap baseline next to the model");
        }
        // core refuses what a QA run cannot do, naming the setting as the front end in use does
        IllegalArgumentException lora = assertThrows(IllegalArgumentException.class, () -> Graft.train(
                TrainingRequest.of(train, dir.resolve("lora")).task(TaskKind.QUESTION_ANSWERING).strategy("lora")));
        assertTrue(lora.getMessage().contains(Arguments.name("strategy") + " lora does not train question-answering models"), lora.getMessage());
        IllegalArgumentException format = assertThrows(IllegalArgumentException.class, () -> Graft.train(
                TrainingRequest.of(train, dir.resolve("squad")).task(TaskKind.QUESTION_ANSWERING).corpusFormat("squad")));
        assertTrue(format.getMessage().contains("reads as jsonl but " + Arguments.name("corpusFormat") + " squad was given"), format.getMessage());
        assertTrue(Files.notExists(dir.resolve("lora")) && Files.notExists(dir.resolve("squad")));
    }

    /** The Java run saved and recorded what the CLI's did, scores bit for bit. */
    private static void sameRun(Path cliModel, TrainingResult result, String baselineMetric, Path cliStore, Path javaStore)
            throws IOException {
        JsonNode cli = JSON.readTree(cliModel.resolve("metrics.json").toFile());
        JsonNode java = JSON.readTree(result.metricsFile().toFile());
        for (String key : List.of("task", "strategy", "validation", "test", "baselines", "best_epoch")) {
            assertTrue(cli.has(key), key + " in " + cli);
            assertEquals(cli.get(key), java.get(key), key + ": same seed, same scores");
        }
        assertEquals(cli.get("history").size(), java.get("history").size());
        for (int e = 0; e < cli.get("history").size(); e++) {
            ObjectNode a = cli.get("history").get(e).deepCopy();
            ObjectNode b = java.get("history").get(e).deepCopy();
            a.remove("seconds");
            b.remove("seconds");
            assertEquals(a, b, "epoch " + e);
        }
        assertTrue(Files.isRegularFile(result.modelDir().resolve(HtmlReport.REPORT_FILE)), "the report is written");
        StoredRun cliRun = new FileStoreReader(cliStore).runs(null).get(0);
        StoredRun javaRun = new FileStoreReader(javaStore).runs(null).get(0);
        assertEquals(javaRun.runId(), result.trackingRunId().orElseThrow());
        assertEquals(cliRun.latest(baselineMetric).getAsDouble(), javaRun.latest(baselineMetric).getAsDouble(), baselineMetric);
        assertEquals(cliRun.params(), javaRun.params(), "same settings recorded");
    }
}
