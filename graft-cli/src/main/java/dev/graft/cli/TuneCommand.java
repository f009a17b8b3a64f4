package dev.graft.cli;

import dev.graft.run.ImageTrials;
import dev.graft.run.RunListener;
import dev.graft.run.RunRecorder;
import dev.graft.run.TrainingRequest;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.RunResult;
import java.io.IOException;
import dev.graft.artifact.Provenance;
import dev.graft.data.DatasetSplits;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.report.HtmlReport;
import dev.graft.report.ReportData;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.training.Monitor;
import dev.graft.training.TrainingListener;
import dev.graft.tuning.Pruner;
import dev.graft.tuning.Sampler;
import dev.graft.tuning.SearchSpace;
import dev.graft.tuning.Study;
import dev.graft.tuning.Trial;
import dev.graft.tuning.Tunables;
import dev.graft.model.peft.PeftSpec;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft tune}: hyperparameter search with TPE or random sampling, pruning, and a resumable SQLite study. */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search training settings on the validation split: TPE (Bergstra et al. 2011) or random sampling, median or"
                + " ASHA pruning on the per-epoch validation score, every trial stored in DIR/study.db (SQLite).",
                "Run the same command again to resume an interrupted study: finished trials are kept, a trial that was running"
                        + " restarts. The best trial's model is saved to DIR/best-model (with report.html holding the trial table);"
                        + " the default settings are trained once more for comparison.",
                "Tunable settings (--space NAME=...): " + "lr, weight_decay, dropout, hidden, batch_size; fine-tune also"
                        + " lr_backbone, layer_decay, unfreeze; lora and adapter lr_backbone (the new modules' rate), lora_rank, adapter_size. Images (a folder or CSV): feature-extraction and fine-tune.",
                "Each invocation is recorded as one run in ./mlruns (see `graft runs`) unless --no-track: the search settings,"
                        + " the best trial's settings (params best.NAME) and score, trials complete/pruned/failed, each complete"
                        + " trial's score (metric trial_score, step = trial number), the best model's per-epoch metrics and"
                        + " scores, the default settings' scores, timing, peak memory, provenance, and the trial table"
                        + " (trials.tsv) with the best model's small files as artefacts.", ""})
final class TuneCommand implements Callable<Integer> {

    static final String FE_SPACE = "lr=log:1e-4:1e-1,weight_decay=log:1e-6:1e-1,dropout=uniform:0:0.5,hidden=choice:0|64|256";
    static final String FT_SPACE = "lr=log:1e-4:1e-2,lr_backbone=log:1e-5:3e-4,weight_decay=log:1e-6:1e-1,dropout=uniform:0:0.3,unfreeze=choice:1|2|4|all";
    static final String LORA_SPACE = "lr=log:1e-4:1e-2,lr_backbone=log:1e-4:1e-2,weight_decay=log:1e-6:1e-1,dropout=uniform:0:0.3,lora_rank=choice:4|8|16";
    static final String ADAPTER_SPACE = "lr=log:1e-4:1e-2,lr_backbone=log:1e-4:1e-2,weight_decay=log:1e-6:1e-1,dropout=uniform:0:0.3,adapter_size=choice:16|64|128";
    static final String BEST_MODEL = "best-model";

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
        if (trials < 1) {
            throw new IllegalArgumentException("--trials must be at least 1, got " + trials + ".");
        }
        boolean images = dev.graft.data.image.ImageDataReader.isImageData(options.train);
        boolean fineTune = options.fineTune();
        UnusedOptions.refuse(spec, "graft tune searches the settings of a head trained by gradient descent.", List.of("--head-solver"));
        options.checkSplitSettings();
        options.checkDevice(System.err);
        PrintStream err = System.err;
        Trials<?> trainer;
        Tunables.Strategy strategy;
        String fingerprint;
        Map<String, Object> settings;
        if (images) {
            options.refuseBf16ForImages();
            TrainingRequest request = options.request();
            ImageTrials t = ImageTrials.prepare(request, new RunListener() {
                @Override
                public void message(String line) {
                    err.println(line);
                }
            });
            if (!quiet) {
                err.printf("images: train %d, val %d%s; backbone %s (%s)%n", t.splits().train().size(), t.splits().val().size(),
                        t.splits().test().map(x -> ", test " + x.size()).orElse(""), t.backbone().id(), t.backbone().preprocessing());
            }
            strategy = t.searchStrategy();
            settings = t.settings();
            fingerprint = t.fingerprint();
            trainer = new Trials<ImageTrainingOutcome>() {
                @Override
                public ImageTrainingOutcome train(Map<String, Object> params, List<TrainingListener> listeners) {
                    return t.train(params, listeners);
                }

                @Override
                public void save(ImageTrainingOutcome o, Path dir, Provenance p, String title, HtmlReport.Table table) throws IOException {
                    o.save(dir, p, o.metricsDocument(), staging -> HtmlReport.write(ReportData.of(title, o), staging, List.of(table)));
                }
            };
        } else {
            PeftSpec peft = options.peftSpec();
            strategy = Tunables.Strategy.of(fineTune, peft);
            DatasetSplits splits = options.readSplits(err);
            options.report(splits, err, quiet);
            TextModelSpec backbone = options.resolveModel(err, quiet);
            // the search varies how a gradient-trained head learns; a closed-form head would give every trial the same model
            FeatureExtractionConfig fe = fineTune ? null : options.featureExtractionConfig().withClosedFormHead(false);
            FineTuneConfig ft = fineTune ? options.fineTuneConfig() : null;
            settings = fineTune ? ft.describe() : fe.describe();
            fingerprint = fingerprint(backbone, splits, settings, options.strategy);
            trainer = new Trials<TrainingOutcome>() {
                @Override
                public TrainingOutcome train(Map<String, Object> params, List<TrainingListener> listeners) {
                    Progress progress = new BarProgress(System.err, quiet);
                    return fe != null ? new FeatureExtraction(Tunables.apply(fe, params)).fit(backbone, splits, progress, listeners)
                            : new FineTuning(Tunables.apply(ft, params), Tunables.apply(peft, params)).fit(backbone, splits, progress,
                                    listeners, null, 1, false);
                }

                @Override
                public void save(TrainingOutcome o, Path dir, Provenance p, String title, HtmlReport.Table table) throws IOException {
                    o.classifier().save(dir, p, o.metricsDocument(), staging -> HtmlReport.write(ReportData.of(title, o), staging,
                            List.of(table)));
                }
            };
        }
        SearchSpace searchSpace = SearchSpace.parse(space != null ? space : switch (strategy) {
            case FEATURE_EXTRACTION -> FE_SPACE;
            case FINE_TUNE -> FT_SPACE;
            case LORA -> LORA_SPACE;
            case ADAPTER -> ADAPTER_SPACE;
        });
        Tunables.check(searchSpace, strategy);
        Sampler s = Sampler.parse(sampler);
        Pruner p = Pruner.parse(pruner);
        return search(trainer, searchSpace, s, p, fingerprint, settings, err);
    }

    /** Runs the study with {@code trainer}'s trials, saves and records the best model and prints the table. */
    private <O extends RunResult & AutoCloseable> int search(Trials<O> trainer, SearchSpace searchSpace, Sampler s, Pruner p,
                                                             String fingerprint, Map<String, Object> settings, PrintStream err)
            throws Exception {
        Monitor monitor = Monitor.parse(options.monitor);
        double sign = monitor == Monitor.LOSS ? -1 : 1;
        Objective<O> objective = new Objective<>(trainer, sign);
        long start = System.nanoTime();
        Path out = study.resolve(BEST_MODEL);
        Map<String, Object> params = options.runParams(settings);
        params.put("study", study.toString());
        params.put("trials", trials);
        params.put("sampler", s.name());
        params.put("pruner", p.name());
        params.put("search_space", searchSpace.spec());
        params.put("objective", "validation " + monitor.key());
        try (Study st = Study.open(study, new Study.Settings(searchSpace, s, p, options.seed, fingerprint));
             RunRecorder recorder = RunRecorder.start(tracking.tracking(), "tune", study, out, params, err::println)) {
            int before = (int) st.trials().stream().filter(Trial::finished).count();
            if (!quiet) {
                err.printf("study %s: %d of %d trials finished; sampler %s, pruner %s, objective: validation %s%n", st.store().file(),
                        before, trials, s.name(), p.name(), monitor.key());
            }
            st.optimize(trials, objective, log -> sign * monitor.read(log), new Study.Events() {
                @Override
                public void trialStarted(int number, Map<String, Object> params, boolean restarted) {
                    if (!quiet) {
                        err.printf("trial %d%s: %s%n", number, restarted ? " (restarted: it was running when the study stopped)" : "",
                                format(params));
                    }
                }

                @Override
                public void trialFinished(Trial t, String note) {
                    if (!quiet) {
                        err.printf(Locale.ROOT, "trial %d: %s%s after %d epoch(s), %.1f s%n", t.number(), t.state(),
                                t.value().isPresent() ? String.format(Locale.ROOT, " %s %.4f", monitor.key(), sign * t.value().getAsDouble()) : "",
                                t.intermediate().isEmpty() ? 0 : t.intermediate().lastKey(), t.seconds());
                        if (t.state() == Trial.State.FAILED) {
                            err.println("  " + note);
                        }
                    }
                }
            });
            List<Trial> all = st.trials();
            Trial best = Study.best(all).orElseThrow(() -> new IllegalStateException("no trial of the study completed (all pruned or"
                    + " failed); see the trial list above, widen --space or use --pruner none."));
            O bestOutcome = objective.take(best.number());
            if (bestOutcome == null) {
                if (!quiet) {
                    err.println("retraining the best trial " + best.number() + " (it ran in an earlier process)");
                }
                bestOutcome = trainer.train(best.params(), List.of());
            }
            try (O kept = bestOutcome;
                 O dflt = trainer.train(Map.of(), List.of())) {
                HtmlReport.Table table = trialTable(all, searchSpace, monitor, sign, best);
                Provenance provenance = kept.provenance().withCommandLine(spec.commandLine().getParseResult().originalArgs());
                trainer.save(kept, out, provenance, "graft tune: best trial " + best.number(), table);
                record(recorder, all, best, sign, kept, dflt, table);
                recorder.finish(kept, provenance, out, (System.nanoTime() - start) / 1e9);
                PrintWriter stdout = spec.commandLine().getOut();
                print(stdout, all, monitor, sign, best, kept, dflt, searchSpace, out);
                TrackingOptionsMixin.printWhere(stdout, out, recorder);
                stdout.flush();
            }
        }
        return 0;
    }

    /** How a search trains one trial and saves the best model: text or images. */
    private interface Trials<O extends RunResult & AutoCloseable> {
        O train(Map<String, Object> params, List<TrainingListener> listeners);

        void save(O outcome, Path dir, Provenance provenance, String title, HtmlReport.Table table) throws IOException;
    }

    /** Trains trials; keeps the best outcome so far open so it can be saved without retraining. */
    private static final class Objective<O extends RunResult & AutoCloseable> implements Study.Objective {
        private final Trials<O> trainer;
        private final double sign;
        private O best;
        private int bestNumber = -1;
        private double bestValue = Double.NEGATIVE_INFINITY;

        Objective(Trials<O> trainer, double sign) {
            this.trainer = trainer;
            this.sign = sign;
        }

        @Override
        public double run(int number, Map<String, Object> params, TrainingListener reporter) {
            O o = trainer.train(params, List.of(reporter));
            double value = sign * o.fit().bestScore();
            if (value > bestValue) {
                close(best);
                best = o;
                bestNumber = number;
                bestValue = value;
            } else {
                close(o);
            }
            return value;
        }

        /** The kept outcome of trial {@code number}, or null (released otherwise). */
        O take(int number) {
            if (best != null && bestNumber == number) {
                return best;
            }
            close(best);
            return null;
        }

        private static void close(AutoCloseable o) {
            if (o == null) {
                return;
            }
            try {
                o.close();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot release a trial's model: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Records the study's outcome: the best trial's settings (params {@code best.NAME}) and number, its score
     * ({@code best_trial_score}, in the monitored metric), trial counts, each complete trial's score (step = trial number),
     * the best model's per-epoch history, the default settings' scores ({@code default_val_*}, {@code default_test_*}) and
     * the trial table as {@code trials.tsv}.
     */
    private static void record(RunRecorder recorder, List<Trial> all, Trial best, double sign, RunResult kept,
                               RunResult dflt, HtmlReport.Table table) {
        Map<String, Object> bestParams = new java.util.TreeMap<>();
        best.params().forEach((k, v) -> bestParams.put("best." + k, v));
        recorder.logParams(bestParams);
        for (Trial t : all) {
            if (t.state() == Trial.State.COMPLETE) {
                recorder.logMetrics(Map.of("trial_score", sign * t.value().getAsDouble()), t.number());
            }
        }
        recorder.logHistory(kept.fit());
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("best_trial", (double) best.number());
        m.put("best_trial_score", sign * best.value().orElseThrow());
        m.put("trials_total", (double) all.size());
        for (Trial.State state : List.of(Trial.State.COMPLETE, Trial.State.PRUNED, Trial.State.FAILED)) {
            m.put("trials_" + state.name().toLowerCase(Locale.ROOT), (double) all.stream().filter(t -> t.state() == state).count());
        }
        m.put("default_val_accuracy", dflt.validation().value("accuracy"));
        m.put("default_val_macro_f1", dflt.validation().value("macro_f1"));
        dflt.test().ifPresent(t -> {
            m.put("default_test_accuracy", t.value("accuracy"));
            m.put("default_test_macro_f1", t.value("macro_f1"));
        });
        recorder.logMetrics(m, kept.fit().history().size());
        StringBuilder tsv = new StringBuilder(String.join("\t", table.headers())).append('\n');
        table.rows().forEach(r -> tsv.append(String.join("\t", r)).append('\n'));
        recorder.logText("trials.tsv", tsv.toString());
    }

    static String fingerprint(TextModelSpec backbone, DatasetSplits splits, Map<String, Object> base, String strategy) {
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, backbone.sha256());
        Hashes.update(md, backbone.pooling().name());
        Hashes.update(md, splits.train().sha256());
        Hashes.update(md, splits.val().sha256());
        Hashes.update(md, strategy);
        Hashes.update(md, base.toString());
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    static String format(Map<String, Object> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + (v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : v)));
        return String.join(" ", parts);
    }

    static HtmlReport.Table trialTable(List<Trial> all, SearchSpace space, Monitor monitor, double sign, Trial best) {
        List<String> headers = new ArrayList<>(List.of("trial", "state", "validation " + monitor.key(), "epochs", "seconds"));
        space.dimensions().forEach(d -> headers.add(d.name()));
        List<List<String>> rows = new ArrayList<>();
        for (Trial t : all) {
            List<String> row = new ArrayList<>(List.of(t.number() + (t.number() == best.number() ? " (best)" : ""), t.state().name(),
                    t.value().isPresent() ? String.format(Locale.ROOT, "%.4f", sign * t.value().getAsDouble())
                            : t.intermediate().isEmpty() ? "" : String.format(Locale.ROOT, "(%.4f)", sign * t.intermediate().get(t.intermediate().lastKey())),
                    Integer.toString(t.intermediate().isEmpty() ? 0 : t.intermediate().lastKey()), String.format(Locale.ROOT, "%.1f", t.seconds())));
            space.dimensions().forEach(d -> {
                Object v = t.params().get(d.name());
                row.add(v instanceof Double x ? String.format(Locale.ROOT, "%.4g", x) : String.valueOf(v));
            });
            rows.add(row);
        }
        long pruned = all.stream().filter(t -> t.state() == Trial.State.PRUNED).count();
        return new HtmlReport.Table("Hyperparameter search (" + all.size() + " trials, " + pruned + " pruned)",
                "Search space: " + space.spec() + ". A pruned trial's value in parentheses is its last reported one.", headers, rows);
    }

    private static void print(PrintWriter out, List<Trial> all, Monitor monitor, double sign, Trial best, RunResult kept,
                              RunResult dflt, SearchSpace space, Path modelDir) {
        HtmlReport.Table t = trialTable(all, space, monitor, sign, best);
        out.println();
        out.println(String.join("\t", t.headers()));
        for (List<String> row : t.rows()) {
            out.println(String.join("\t", row));
        }
        long complete = all.stream().filter(x -> x.state() == Trial.State.COMPLETE).count();
        long pruned = all.stream().filter(x -> x.state() == Trial.State.PRUNED).count();
        long failed = all.stream().filter(x -> x.state() == Trial.State.FAILED).count();
        out.printf(Locale.ROOT, "%n%d trials: %d complete, %d pruned, %d failed%n", all.size(), complete, pruned, failed);
        out.println("best trial " + best.number() + ": " + format(best.params()));
        line(out, "best", kept);
        line(out, "default settings", dflt);
        out.println("Saved the best model to " + modelDir.toAbsolutePath() + "  (report: " + modelDir.resolve(HtmlReport.REPORT_FILE) + ")");
        out.flush();
    }

    private static void line(PrintWriter out, String what, RunResult o) {
        var v = o.validation();
        out.printf(Locale.ROOT, "%-17s validation accuracy %.4f macro-F1 %.4f%s%n", what + ":", v.value("accuracy"), v.value("macro_f1"),
                o.test().map(t -> String.format(Locale.ROOT, "   test accuracy %.4f macro-F1 %.4f", t.value("accuracy"),
                        t.value("macro_f1"))).orElse(""));
    }
}
