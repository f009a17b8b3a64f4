package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.report.HtmlReport;
import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.MetricPoint;
import dev.graft.tracking.RunStatus;
import dev.graft.tracking.StoredRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft adapt} and {@code graft tune} record their runs as {@code graft train} does (same options, same store),
 * and {@code graft runs} shows them.
 */
class AdaptTuneTrackingTest {

    private static final String[] SPORTS = {"The team won the match", "She scored a goal", "The runner finished the marathon",
            "The goalkeeper saved a penalty", "The cyclist won the stage", "The boxer won the fight", "He hit a home run",
            "The striker missed the penalty", "The swimmer broke the record", "The coach picked the squad",
            "The referee showed a red card", "The tennis final went to five sets"};
    private static final String[] FOOD = {"I baked a chocolate cake", "The soup needs more salt", "We ordered pizza with cheese",
            "Fry the onions until golden", "The bread is warm from the oven", "She cooked rice and chicken",
            "Add garlic to the pasta sauce", "The salad has fresh tomatoes", "He grilled the fish with lemon",
            "The pie crust was flaky", "Stir the curry for ten minutes", "The pancakes need maple syrup"};
    /** The target domain: the same two topics, written as short chatty posts. */
    private static final String[] SPORTS_POSTS = {"omg what a goal lol", "ref is blind smh", "we WON the derby!!!",
            "that keeper tho", "worst match ever tbh", "cant believe that penalty", "gym then football later",
            "our boys smashed it"};
    private static final String[] FOOD_POSTS = {"this cake is sooo good", "pizza night again lol", "burnt the toast smh",
            "best ramen in town tbh", "craving tacos rn", "mum's soup hits different", "brunch was amazing!!",
            "too much chili oops"};

    @TempDir
    Path dir;

    @Test
    void adaptRecordsParamsEpochsScoresAndDistances() throws Exception {
        List<String[]> source = new ArrayList<>();
        List<String[]> eval = new ArrayList<>();
        StringBuilder target = new StringBuilder();
        for (int i = 0; i < SPORTS.length; i++) {
            source.add(new String[] {SPORTS[i], "sports"});
            source.add(new String[] {FOOD[i], "food"});
        }
        for (int i = 0; i < SPORTS_POSTS.length; i++) {
            target.append(SPORTS_POSTS[i]).append('\n').append(FOOD_POSTS[i]).append('\n');
            eval.add(new String[] {SPORTS_POSTS[i], "sports"});
            eval.add(new String[] {FOOD_POSTS[i], "food"});
        }
        Path src = CliHarness.csv(dir, "source.csv", source);
        Path tgt = Files.writeString(dir.resolve("target.txt"), target.toString(), StandardCharsets.UTF_8);
        Path ev = CliHarness.csv(dir, "eval.csv", eval);
        Path model = dir.resolve("adapted");
        Path store = dir.resolve("mlruns");
        String[] args = {"adapt", "--source", src.toString(), "--target-unlabeled", tgt.toString(), "--eval", ev.toString(),
                "--method", "coral", "--epochs", "3", "--patience", "0", "--hidden", "16", "--out", model.toString(), "-q",
                "--tracking-dir", store.toString(), "--experiment", "da"};
        CliHarness.Result r = CliHarness.run(args);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("recorded in " + store.toAbsolutePath()), r::toString);

        List<StoredRun> runs = new FileStoreReader(store).runs("da");
        assertEquals(1, runs.size());
        StoredRun run = runs.get(0);
        assertEquals("adapted", run.runName());
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals("coral", run.params().get("method"));
        assertEquals("minilm", run.params().get("model"));
        assertEquals("3", run.params().get("epochs"));
        assertEquals("16", run.params().get("adapter_hidden_units"));
        assertEquals(src.toString(), run.params().get("source"));
        assertEquals(tgt.toString(), run.params().get("target_unlabeled"));
        assertEquals(ev.toString(), run.params().get("eval"));

        // per-epoch metrics of the adapted head, step = epoch
        for (String m : List.of("train_loss", "val_loss", "val_accuracy", "val_macro_f1", "lr")) {
            assertEquals(List.of(1L, 2L, 3L), run.metrics().get(m).stream().map(MetricPoint::step).toList(), m);
        }
        // the adaptation's figures, with real values
        for (String m : List.of("target_source_only_accuracy", "target_source_only_macro_f1", "target_adapted_accuracy",
                "target_adapted_macro_f1", "best_val_accuracy", "test_accuracy")) {
            double v = run.latest(m).orElseThrow(() -> new AssertionError(m));
            assertTrue(v >= 0 && v <= 1, m + " = " + v);
        }
        assertEquals(run.latest("target_adapted_accuracy").getAsDouble(), run.latest("test_accuracy").getAsDouble(), 1e-12,
                "test_* is the adapted model on the target evaluation set");
        for (String m : List.of("proxy_a_distance_before", "proxy_a_distance_after")) {
            double v = run.latest(m).orElseThrow(() -> new AssertionError(m));
            assertTrue(v >= -2 && v <= 2, m + " = " + v);
        }
        assertEquals(16, run.latest("target_unlabelled_examples").getAsDouble());
        assertEquals(3, run.latest("epochs_run").getAsDouble());
        assertTrue(run.latest("total_seconds").getAsDouble() > 0 && run.latest("embed_seconds").getAsDouble() >= 0);
        assertTrue(run.latest("peak_memory_mb").getAsDouble() > 10);
        assertEquals("graft adapt", run.tags().get("mlflow.source.name"));
        assertEquals("adapt-coral", run.tags().get("graft.strategy"));
        assertEquals("42", run.tags().get("graft.seed"));
        assertTrue(run.tags().get("graft.data.source.sha256").matches("[0-9a-f]{64}"));
        assertTrue(run.tags().get("graft.command_line").contains("--method coral"));
        Path artifacts = store.resolve(run.experimentId()).resolve(run.runId()).resolve("artifacts/model");
        assertTrue(Files.isRegularFile(artifacts.resolve("metrics.json")) && Files.isRegularFile(artifacts.resolve("head.safetensors")));

        // the report: target scores of both models and the distances as recorded, and the adapted model's target mistakes
        assertTrue(r.out().contains("Report: " + model.resolve("report.html").toAbsolutePath()), r::toString);
        String html = Files.readString(model.resolve("report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("Domain adaptation: coral"), "adaptation table");
        assertTrue(html.contains("source validation accuracy") && html.contains("target accuracy") && !html.contains("test accuracy"),
                "the splits are named for what they are");
        for (String m : List.of("target_source_only_accuracy", "target_adapted_accuracy", "proxy_a_distance_before", "proxy_a_distance_after")) {
            assertTrue(html.contains(String.format(Locale.ROOT, "%.4f", run.latest(m).getAsDouble())), m + " in the report");
        }
        String mistakes = html.substring(html.indexOf("Most confident mistakes (target evaluation set)"));
        long targetTextsShown = eval.stream().filter(row -> mistakes.contains(HtmlReport.esc(row[0]))).count();
        long wrong = Math.round((1 - run.latest("target_adapted_accuracy").getAsDouble()) * eval.size());
        assertEquals(wrong, targetTextsShown, "every target mistake (of " + eval.size() + ") is listed, and only those");

        CliHarness.Result list = CliHarness.run("runs", "list", "--tracking-dir", store.toString());
        assertTrue(list.out().contains(run.runId()) && list.out().contains("adapted"), list::toString);
        CliHarness.Result show = CliHarness.run("runs", "show", run.runId().substring(0, 8), "--tracking-dir", store.toString());
        assertTrue(show.out().contains("target_adapted_accuracy = ") && show.out().contains("proxy_a_distance_after = ")
                && show.out().contains("Per epoch:"), show::toString);

        // a model saved by graft train/adapt serves as the backbone: its backbone/ folder (here MiniLM) gives the same features
        CliHarness.Result fromSaved = CliHarness.run("adapt", "--source", src.toString(), "--target-unlabeled", tgt.toString(), "--eval",
                ev.toString(), "--method", "source-only", "--epochs", "3", "--patience", "0", "--hidden", "16", "--model", model.toString(),
                "--out", dir.resolve("from-saved").toString(), "-q", "--no-track");
        assertEquals(0, fromSaved.code(), fromSaved::toString);
        String sourceOnly = r.out().lines().filter(l -> l.contains("target accuracy, source-only:")).findFirst().orElseThrow();
        assertTrue(fromSaved.out().contains(sourceOnly), fromSaved::toString);

        // --no-track records nothing
        List<String> again = new ArrayList<>(List.of(args));
        again.add("--no-track");
        CliHarness.Result untracked = CliHarness.run(again.toArray(String[]::new));
        assertEquals(0, untracked.code(), untracked::toString);
        assertEquals(1, new FileStoreReader(store).runs(null).size());
    }

    @Test
    void tuneRecordsOneRunPerStudyInvocation() throws Exception {
        List<String[]> train = new ArrayList<>();
        List<String[]> val = new ArrayList<>();
        for (int i = 0; i < SPORTS.length; i++) {
            (i < 9 ? train : val).add(new String[] {SPORTS[i], "sports"});
            (i < 9 ? train : val).add(new String[] {FOOD[i], "food"});
        }
        Path tr = CliHarness.csv(dir, "train.csv", train);
        Path va = CliHarness.csv(dir, "val.csv", val);
        Path study = dir.resolve("my-study");
        Path store = dir.resolve("mlruns");
        CliHarness.Result r = CliHarness.run("tune", "--train", tr.toString(), "--val", va.toString(), "--study", study.toString(),
                "--trials", "3", "--epochs", "2", "--sampler", "random", "--pruner", "none", "--space", "lr=log:1e-3:1e-1,dropout=uniform:0:0.3",
                "-q", "--tracking-dir", store.toString(), "--experiment", "search");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("recorded in " + store.toAbsolutePath()), r::toString);

        List<StoredRun> runs = new FileStoreReader(store).runs("search");
        assertEquals(1, runs.size());
        StoredRun run = runs.get(0);
        assertEquals("my-study", run.runName());
        assertEquals(RunStatus.FINISHED, run.status());
        assertEquals("random", run.params().get("sampler"));
        assertEquals("none", run.params().get("pruner"));
        assertEquals("3", run.params().get("trials"));
        assertEquals("feature-extraction", run.params().get("strategy"));
        assertEquals("lr=log:0.001:0.1,dropout=uniform:0.0:0.3", run.params().get("search_space"));
        double bestLr = Double.parseDouble(run.params().get("best.lr"));
        assertTrue(bestLr >= 1e-3 && bestLr <= 1e-1, "best.lr = " + bestLr);
        assertTrue(run.params().containsKey("best.dropout"));

        assertEquals(3, run.latest("trials_total").getAsDouble());
        assertEquals(3, run.latest("trials_complete").getAsDouble());
        assertEquals(0, run.latest("trials_pruned").getAsDouble());
        List<MetricPoint> scores = run.metrics().get("trial_score");
        assertEquals(3, scores.size());
        double bestScore = run.latest("best_trial_score").getAsDouble();
        assertEquals(scores.stream().mapToDouble(MetricPoint::value).max().getAsDouble(), bestScore, 1e-12);
        assertEquals(run.latest("best_val_macro_f1").getAsDouble(), bestScore, 1e-4, "the best model is the best trial's");
        assertTrue(scores.stream().anyMatch(p -> p.step() == (long) run.latest("best_trial").getAsDouble()));
        assertTrue(run.latest("default_val_accuracy").isPresent() && run.latest("total_seconds").getAsDouble() > 0
                && run.latest("peak_memory_mb").getAsDouble() > 10);
        long epochs = (long) run.latest("epochs_run").getAsDouble();
        assertEquals(LongStream.rangeClosed(1, epochs).boxed().toList(),
                run.metrics().get("val_loss").stream().map(MetricPoint::step).toList(), "the best model's epochs");
        assertEquals("graft tune", run.tags().get("mlflow.source.name"));
        assertEquals("42", run.tags().get("graft.seed"));
        assertTrue(run.tags().get("graft.model_dir").endsWith("best-model"));
        Path artifacts = store.resolve(run.experimentId()).resolve(run.runId()).resolve("artifacts");
        List<String> table = Files.readAllLines(artifacts.resolve("trials.tsv"));
        assertEquals(4, table.size(), table::toString);
        assertTrue(table.get(0).startsWith("trial\tstate\tvalidation macro_f1") && table.get(0).endsWith("lr\tdropout"), table::toString);
        assertTrue(Files.isRegularFile(artifacts.resolve("model/report.html")));

        CliHarness.Result show = CliHarness.run("runs", "show", run.runId(), "--tracking-dir", store.toString());
        assertTrue(show.out().contains("best.lr = ") && show.out().contains("trials_complete = 3")
                && show.out().contains("trial_score = "), show::toString);

        // resuming the study with more trials is a second run
        CliHarness.Result more = CliHarness.run("tune", "--train", tr.toString(), "--val", va.toString(), "--study", study.toString(),
                "--trials", "4", "--epochs", "2", "--sampler", "random", "--pruner", "none", "--space", "lr=log:1e-3:1e-1,dropout=uniform:0:0.3",
                "-q", "--tracking-dir", store.toString(), "--experiment", "search", "--run-name", "more");
        assertEquals(0, more.code(), more::toString);
        List<StoredRun> after = new FileStoreReader(store).runs("search");
        assertEquals(2, after.size());
        StoredRun second = after.stream().filter(x -> x.runName().equals("more")).findFirst().orElseThrow();
        assertEquals(4, second.latest("trials_total").getAsDouble());
        CliHarness.Result list = CliHarness.run("runs", "list", "--tracking-dir", store.toString());
        assertTrue(list.out().contains(run.runId()) && list.out().contains(second.runId()), list::toString);
    }
}
