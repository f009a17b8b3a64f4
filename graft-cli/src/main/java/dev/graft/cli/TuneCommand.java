package dev.graft.cli;

import dev.graft.metrics.TaskMetrics;
import dev.graft.report.HtmlReport;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TuningListener;
import dev.graft.run.TuningRequest;
import dev.graft.run.TuningResult;
import dev.graft.run.TuningRun;
import dev.graft.training.TrainingListener;
import dev.graft.tuning.Trial;
import dev.graft.util.Progress;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft tune}: hyperparameter search with TPE or random sampling, pruning, and a resumable SQLite study (core's {@link TuningRun}). */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search training settings on the validation split: TPE (Bergstra et al. 2011) or random sampling, median or"
                + " ASHA pruning on the per-epoch validation score, every trial stored in DIR/study.db (SQLite).",
                "Run the same command again to resume an interrupted study: finished trials are kept, a trial that was running"
                        + " restarts. The best trial's model is saved to DIR/best-model (with report.html holding the trial table);"
                        + " the default settings are trained once more for comparison.",
                "The objective is the validation metric of --monitor where the task measures it, else the task's own (regression:"
                        + " the validation loss), in its direction (loss, rmse and mae: lower is better).",
                "Tunable settings (--space NAME=...): " + "lr, weight_decay, dropout, hidden, batch_size; fine-tune also"
                        + " lr_backbone, layer_decay, unfreeze; lora and adapter lr_backbone (the new modules' rate), lora_rank, adapter_size. Images (a folder or CSV): feature-extraction and fine-tune.",
                "Each invocation is recorded as one run in ./mlruns (see `graft runs`) unless --no-track: the search settings,"
                        + " the best trial's settings (params best.NAME) and score, trials complete/pruned/failed, each complete"
                        + " trial's score (metric trial_score, step = trial number), the best model's per-epoch metrics and"
                        + " scores, the default settings' scores, timing, peak memory, provenance, and the trial table"
                        + " (trials.tsv) with the best model's small files as artefacts.", ""})
final class TuneCommand implements Callable<Integer> {

    static final String FE_SPACE = TuningRequest.FE_SPACE;
    static final String FT_SPACE = TuningRequest.FT_SPACE;
    static final String LORA_SPACE = TuningRequest.LORA_SPACE;
    static final String ADAPTER_SPACE = TuningRequest.ADAPTER_SPACE;
    static final String BEST_MODEL = TuningRequest.BEST_MODEL;

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--study", required = true, paramLabel = "DIR", description = "Study directory: study.db and best-model/ (created; an existing study resumes).")
    Path study;

    @Option(names = "--trials", defaultValue = "20", paramLabel = "N", description = "Finished trials the study should have (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--space", paramLabel = "SPEC",
            description = {"Search space: NAME=log:LO:HI | NAME=uniform:LO:HI | NAME=choice:A|B|C, comma-separated.",
                    "Default (feature-extraction): " + FE_SPACE, "Default (fine-tune): " + FT_SPACE, "Default (lora): " + LORA_SPACE,
                    "Default (adapter): " + ADAPTER_SPACE})
    String space;

    @Option(names = "--sampler", defaultValue = "tpe", paramLabel = "tpe|random", description = "How trials are proposed (default: ${DEFAULT-VALUE}; TPE starts with 5 random trials).")
    String sampler;

    @Option(names = "--pruner", defaultValue = "median", paramLabel = "median|asha|none",
            description = "Stops unpromising trials: median (below the median of earlier trials at the same epoch, after 5 trials and 1 epoch),"
                    + " asha (successive halving, rungs at epochs 1, 3, 9, ..., keeps the top third) or none (default: ${DEFAULT-VALUE}).")
    String pruner;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Mixin
    TrackingOptionsMixin tracking;

    @Override
    public Integer call() throws Exception {
        UnusedOptions.refuse(spec, "graft tune searches the settings of a head trained by gradient descent.", List.of("--head-solver"));
        TrainingRequest training = options.request().tracking(tracking.tracking())
                .commandLine(spec.commandLine().getParseResult().originalArgs());
        TuningRequest request = TuningRequest.of(training, study).trials(trials).space(space).sampler(sampler).pruner(pruner);
        TuningResult result = TuningRun.run(request, listener(System.err, quiet));
        PrintWriter stdout = spec.commandLine().getOut();
        print(stdout, result);
        TrackingOptionsMixin.printWhere(stdout, result.bestModel(), result.trackingRunId(), result.trackingLocation());
        stdout.flush();
        return 0;
    }

    /** Progress bars, the study's state and one line per trial start and end on {@code err}; notes always. */
    static TuningListener listener(PrintStream err, boolean quiet) {
        return new TuningListener() {
            @Override
            public Progress progress() {
                return new BarProgress(err, quiet);
            }

            @Override
            public List<TrainingListener> epochs() {
                return List.of();
            }

            @Override
            public void message(String line) {
                err.println(line);
            }

            @Override
            public void summary(String line) {
                if (!quiet) {
                    err.println(line);
                }
            }

            @Override
            public void studyOpened(Path file, int finished, int wanted, String sampler, String pruner, String metric) {
                summary(String.format(Locale.ROOT, "study %s: %d of %d trials finished; sampler %s, pruner %s, objective: validation %s",
                        file, finished, wanted, sampler, pruner, metric));
            }

            @Override
            public void trialStarted(int number, Map<String, Object> params, boolean restarted) {
                summary("trial " + number + (restarted ? " (restarted: it was running when the study stopped)" : "") + ": "
                        + TuningResult.format(params));
            }

            @Override
            public void trialFinished(Trial t, double score, String note) {
                if (quiet) {
                    return;
                }
                err.printf(Locale.ROOT, "trial %d: %s%s after %d epoch(s), %.1f s%n", t.number(), t.state(),
                        Double.isNaN(score) ? "" : String.format(Locale.ROOT, " %.4f", score),
                        t.intermediate().isEmpty() ? 0 : t.intermediate().lastKey(), t.seconds());
                if (t.state() == Trial.State.FAILED) {
                    err.println("  " + note);
                }
            }
        };
    }

    static void print(PrintWriter out, TuningResult r) {
        HtmlReport.Table t = r.table();
        out.println();
        out.println(String.join("\t", t.headers()));
        for (List<String> row : t.rows()) {
            out.println(String.join("\t", row));
        }
        out.printf(Locale.ROOT, "%n%d trials: %d complete, %d pruned, %d failed%n", r.trials().size(), r.count(Trial.State.COMPLETE),
                r.count(Trial.State.PRUNED), r.count(Trial.State.FAILED));
        out.println("best trial " + r.best().number() + ": " + TuningResult.format(r.bestParams()));
        line(out, "best", r.bestValidation(), r.bestTest());
        line(out, "default settings", r.defaultValidation(), r.defaultTest());
        out.println("Saved the best model to " + r.bestModel().toAbsolutePath() + "  (report: "
                + r.bestModel().resolve(HtmlReport.REPORT_FILE) + ")");
    }

    /** One run's headline figures: accuracy and macro-F1 for a classifier, else every figure of its task. */
    private static void line(PrintWriter out, String what, TaskMetrics validation, Optional<TaskMetrics> test) {
        out.printf(Locale.ROOT, "%-17s validation %s%s%n", what + ":", figures(validation),
                test.map(x -> "   test " + figures(x)).orElse(""));
    }

    private static String figures(TaskMetrics m) {
        List<String> names = m.values().containsKey("accuracy") ? List.of("accuracy", "macro_f1") : List.copyOf(m.values().keySet());
        List<String> parts = new ArrayList<>();
        for (String n : names) {
            parts.add(String.format(Locale.ROOT, "%s %.4f", n.equals("macro_f1") ? "macro-F1" : n, m.value(n)));
        }
        return String.join(" ", parts);
    }
}
