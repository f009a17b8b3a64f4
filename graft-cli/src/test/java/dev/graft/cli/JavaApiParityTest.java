package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.api.Graft;
import dev.graft.data.DatasetSplits;
import dev.graft.model.text.TextModelSpec;
import dev.graft.report.HtmlReport;
import dev.graft.run.ComparisonRequest;
import dev.graft.run.ComparisonResult;
import dev.graft.run.FeatureExtractionStrategy;
import dev.graft.run.RunTracking;
import dev.graft.run.Strategies;
import dev.graft.run.TrainingContext;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingResult;
import dev.graft.run.TuningRequest;
import dev.graft.run.TuningResult;
import dev.graft.selection.RunResult;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.task.Task;
import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.StoredRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java caller gets the run a CLI user gets, in one call: {@code Graft.train(TrainingRequest)} writes the same
 * metrics.json (same scores, bit for bit, on the same seed), report and baselines, and records the run; a strategy of
 * the caller's own runs through the same orchestration; {@code Graft.compare} and {@code Graft.tune} give the numbers
 * {@code graft compare} and {@code graft tune} print for the same seed.
 */
class JavaApiParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static final String[] SPORTS = {"The team won the match", "She scored a goal", "The runner finished the marathon",
            "The goalkeeper saved a penalty", "The cyclist won the stage", "The boxer won the fight", "The striker scored twice",
            "The coach praised the team", "The referee stopped the match", "The fans cheered the goal"};
    private static final String[] FOOD = {"I baked a chocolate cake", "The soup needs more salt", "We ordered pizza with cheese",
            "Fry the onions until golden", "The bread is warm from the oven", "She cooked rice and chicken",
            "Bake the cake for an hour", "Add salt to the soup", "The pizza came with extra cheese", "Slice the warm bread"};

    private Path csv(String name, int from, int to) throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(new String[] {SPORTS[i], "sports"});
            rows.add(new String[] {FOOD[i], "food"});
        }
        return CliHarness.csv(dir, name, rows);
    }

    @Test
    void javaApiWritesWhatTheCliWrites() throws Exception {
        Path train = csv("train.csv", 0, 6);
        Path val = csv("val.csv", 6, 8);
        Path test = csv("test.csv", 8, 10);
        Path cliModel = dir.resolve("cli-model");
        Path cliStore = dir.resolve("cli-mlruns");
        CliHarness.Result r = CliHarness.run("train", "--train", train.toString(), "--val", val.toString(), "--test",
                test.toString(), "--out", cliModel.toString(), "--epochs", "3", "--lr", "0.01", "-q", "--tracking-dir",
                cliStore.toString(), "--run-name", "parity");
        assertEquals(0, r.code(), r::toString);

        Path javaModel = dir.resolve("java-model");
        Path javaStore = dir.resolve("java-mlruns");
        try (TrainingResult result = Graft.train(TrainingRequest.of(train, javaModel).valFile(val).testFile(test).epochs(3)
                .learningRate(0.01).tracking(RunTracking.fileStore(javaStore).withRunName("parity")))) {
            assertEquals(javaModel, result.modelDir());
            assertEquals(javaModel.resolve(HtmlReport.REPORT_FILE), result.report().orElseThrow());
            assertTrue(result.transferCheck().isPresent(), "the negative-transfer check ran");

            JsonNode cli = JSON.readTree(cliModel.resolve("metrics.json").toFile());
            JsonNode java = JSON.readTree(result.metricsFile().toFile());
            for (String key : List.of("validation", "test", "baselines", "best_epoch", "epochs_run", "monitor", "trainable_parameters")) {
                assertTrue(cli.has(key), key + " in " + cli);
                assertEquals(cli.get(key), java.get(key), key + ": same seed, same scores");
            }
            assertEquals(cli.get("history").size(), java.get("history").size());
            for (int e = 0; e < cli.get("history").size(); e++) {
                assertEquals(withoutTime(cli.get("history").get(e)), withoutTime(java.get("history").get(e)), "epoch " + e);
            }
            assertEquals(JSON.readTree(JSON.writeValueAsString(result.metrics())).get("validation"), java.get("validation"),
                    "the result holds what was saved");

            String cliHtml = Files.readString(cliModel.resolve(HtmlReport.REPORT_FILE), StandardCharsets.UTF_8);
            String javaHtml = Files.readString(result.report().get(), StandardCharsets.UTF_8);
            for (String section : List.of("Baselines (negative-transfer check)", "Confusion matrix", "parity")) {
                assertTrue(cliHtml.contains(section) && javaHtml.contains(section), section);
            }
            assertEquals(cliHtml.split("src=\"data:image/png;base64,", -1).length, javaHtml.split("src=\"data:image/png;base64,", -1).length,
                    "the same charts");
            try (var plots = Files.list(cliModel.resolve(HtmlReport.PLOTS_DIR)); var javaPlots = Files.list(javaModel.resolve(HtmlReport.PLOTS_DIR))) {
                assertEquals(plots.map(p -> p.getFileName().toString()).sorted().toList(),
                        javaPlots.map(p -> p.getFileName().toString()).sorted().toList());
            }

            StoredRun cliRun = new FileStoreReader(cliStore).runs(null).get(0);
            StoredRun javaRun = new FileStoreReader(javaStore).runs(null).get(0);
            assertEquals(javaRun.runId(), result.trackingRunId().orElseThrow());
            assertEquals("parity", javaRun.runName());
            for (String metric : List.of("baseline_bow_accuracy", "baseline_majority_accuracy")) {
                assertEquals(cliRun.latest(metric).getAsDouble(), javaRun.latest(metric).getAsDouble(), metric);
            }
            assertEquals(cliRun.params(), javaRun.params(), "same settings recorded");
        }
    }

    /** An epoch's log without its wall time. */
    private static JsonNode withoutTime(JsonNode epoch) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = epoch.deepCopy();
        copy.remove("seconds");
        assertEquals(epoch.size() - 1, copy.size(), "an epoch records its seconds: " + epoch);
        return copy;
    }

    @Test
    void aStrategyOfTheCallersOwnRunsThroughTheSameRun() throws Exception {
        Path train = csv("train.csv", 0, 6);
        Path val = csv("val.csv", 6, 8);
        AtomicInteger calls = new AtomicInteger();
        FeatureExtractionStrategy mine = new FeatureExtractionStrategy() {
            @Override
            public String name() {
                return "my-head";
            }

            @Override
            public TrainingOutcome trainText(TextModelSpec backbone, DatasetSplits splits, Task task, TrainingRequest request,
                                             TrainingContext context) {
                calls.incrementAndGet();
                return super.trainText(backbone, splits, task, request.hidden(16), context);
            }
        };
        Path model = dir.resolve("mine");
        try (TrainingResult result = Graft.train(TrainingRequest.of(train, model).valFile(val).epochs(2).strategy(mine)
                .tracking(RunTracking.off()).baselines(false))) {
            assertEquals(1, calls.get());
            assertTrue(result.transferCheck().isEmpty() && result.trackingRunId().isEmpty());
            assertTrue(Files.isRegularFile(model.resolve("metrics.json")) && result.report().isPresent());
            JsonNode metrics = JSON.readTree(result.metricsFile().toFile());
            assertTrue(metrics.get("validation").get("accuracy").isNumber() && !metrics.has("baselines"), metrics::toString);
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Strategies.named("my-head"));
        assertTrue(unknown.getMessage().endsWith(" 'my-head'. Available: feature-extraction, fine-tune, lora, adapter."),
                "an unregistered strategy is not looked up by name: " + unknown.getMessage());
    }

    @Test
    void compareAndTuneGiveTheCliNumbersForTheSameSeed() throws Exception {
        Path train = csv("train.csv", 0, 6);
        Path val = csv("val.csv", 6, 8);
        Path test = csv("test.csv", 8, 10);
        CliHarness.Result cli = CliHarness.run("compare", "--train", train.toString(), "--val", val.toString(), "--test",
                test.toString(), "--epochs", "1", "--batch-size", "4", "--seed", "5", "-q");
        assertEquals(0, cli.code(), cli::toString);
        ComparisonResult java = Graft.compare(ComparisonRequest.of(TrainingRequest.of(train).valFile(val).testFile(test).epochs(1)
                .batchSize(4).seed(5)));
        List<String> rows = cli.out().lines().toList();
        assertEquals(4, java.runs().size());
        for (RunResult run : java.runs()) {
            String row = rows.stream().filter(l -> l.startsWith(run.name() + " ")).findFirst().orElseThrow(() -> new AssertionError(
                    run.name() + " in\n" + cli.out()));
            String[] cells = row.substring(run.name().length()).trim().split("\\s+");
            assertEquals(String.format(Locale.ROOT, "%.4f", run.scored().value("accuracy")), cells[0], run.name() + ": " + row);
            assertEquals(String.format(Locale.ROOT, "%.4f", run.scored().value("macro_f1")), cells[1], run.name() + ": " + row);
            assertEquals(Long.toString(run.trainable()), cells[3], run.name() + ": " + row);
        }
        assertTrue(cli.out().contains("Recommendation: " + java.recommendation().recommended()), cli::toString);
        for (String reason : java.recommendation().reasons()) {
            assertTrue(cli.out().contains("  - " + reason), reason + " in\n" + cli.out());
        }

        String[] search = {"--trials", "2", "--epochs", "2", "--sampler", "random", "--pruner", "none", "--space",
                "lr=log:1e-3:1e-1,dropout=uniform:0:0.3", "--seed", "5", "--no-track", "-q"};
        List<String> args = new ArrayList<>(List.of("tune", "--train", train.toString(), "--val", val.toString(), "--study",
                dir.resolve("cli-study").toString()));
        args.addAll(List.of(search));
        CliHarness.Result cliTune = CliHarness.run(args.toArray(String[]::new));
        assertEquals(0, cliTune.code(), cliTune::toString);
        TuningResult tuned = Graft.tune(TuningRequest.of(TrainingRequest.of(train).valFile(val).epochs(2).seed(5)
                .tracking(RunTracking.off()), dir.resolve("java-study")).trials(2).sampler("random").pruner("none")
                .space("lr=log:1e-3:1e-1,dropout=uniform:0:0.3"));
        for (List<String> row : tuned.table().rows()) {
            List<String> withoutSeconds = new ArrayList<>(row);
            withoutSeconds.remove(4);
            assertTrue(cliTune.out().lines().anyMatch(l -> {
                List<String> cells = new ArrayList<>(List.of(l.split("\t")));
                if (cells.size() != row.size()) {
                    return false;
                }
                cells.remove(4);
                return cells.equals(withoutSeconds);
            }), "trial " + withoutSeconds + " in\n" + cliTune.out());
        }
        assertTrue(cliTune.out().contains("best trial " + tuned.best().number() + ": " + TuningResult.format(tuned.bestParams())),
                cliTune::toString);
    }
}
