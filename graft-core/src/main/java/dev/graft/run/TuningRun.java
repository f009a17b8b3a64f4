package dev.graft.run;

import dev.graft.artifact.Provenance;
import dev.graft.data.DatasetSplits;
import dev.graft.data.image.ImageDataReader;
import dev.graft.metrics.TaskMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.report.HtmlReport;
import dev.graft.report.ReportData;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.RunResult;
import dev.graft.strategy.TaskTraining;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingListener;
import dev.graft.tuning.Pruner;
import dev.graft.tuning.Sampler;
import dev.graft.tuning.SearchSpace;
import dev.graft.tuning.Study;
import dev.graft.tuning.Trial;
import dev.graft.tuning.Tunables;
import dev.graft.util.Arguments;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A hyper-parameter search, as {@code graft tune} runs it and a Java caller gets it in one call ({@code Graft.tune}):
 * reads the data once (text or images), resolves the backbone and builds the task, then trains trials proposed by TPE or
 * random sampling through the request's {@link TrainingStrategy} (each trial's settings over the request's,
 * {@link TrainingRequest#trial}), pruning on the per-epoch validation score; every trial is stored in
 * {@code STUDY/study.db}, so the same request resumes an interrupted study. The objective is the validation metric
 * the training monitors for this task (the request's monitor where the task measures it, else the task's own, e.g. the
 * validation loss of a regression), in its own direction. The best trial's model is saved to
 * {@code STUDY/best-model} with a report holding the trial table, the default settings are trained once more for
 * comparison, and the invocation is recorded as one tracking run.
 */
public final class TuningRun {

    private TuningRun() {
    }

    /** Runs the search {@code request} describes, telling {@code listener} of each trial. */
    public static TuningResult run(TuningRequest request, TuningListener listener) throws IOException {
        TrainingRequest r = request.training();
        if (r.headSolver != null) {
            throw new IllegalArgumentException("A search tunes the settings of a head trained by gradient descent; drop "
                    + Arguments.name("headSolver") + ".");
        }
        TrainingRun.checkSplitSettings(r, true);
        TrainingRun.checkDevice(r, listener);
        Trials<?> trials = ImageDataReader.isImageData(r.trainFile) ? images(r, listener)
                : SequenceTaskRun.handles(r.task()) ? sequences(r, listener, SequenceTaskRun.family(r)) : text(r, listener);
        SearchSpace space = SearchSpace.parse(request.space() != null ? request.space() : TuningRequest.defaultSpace(trials.strategy()));
        Tunables.check(space, trials.strategy());
        Monitor monitor = TaskTraining.config(TrainConfig.defaults().withMonitor(Monitor.parse(r.monitor)), trials.task()).monitor();
        return search(request, trials, space, Sampler.parse(request.sampler()), Pruner.parse(request.pruner()), monitor, listener);
    }

    /** How a search trains one trial and saves the best model: text or images. */
    /** What a search trains: the data and settings fixed for the study, and how one trial trains and saves. */
    private abstract static class Trials<O extends RunResult & AutoCloseable> {
        private final Tunables.Strategy strategy;
        private final Task task;
        private final Map<String, Object> settings;
        private final String fingerprint;

        Trials(Tunables.Strategy strategy, Task task, Map<String, Object> settings, String fingerprint) {
            this.strategy = strategy;
            this.task = task;
            this.settings = settings;
            this.fingerprint = fingerprint;
        }

        final Tunables.Strategy strategy() {
            return strategy;
        }

        final Task task() {
            return task;
        }

        final Map<String, Object> settings() {
            return settings;
        }

        final String fingerprint() {
            return fingerprint;
        }

        abstract O train(Map<String, Object> params, List<TrainingListener> epochs);

        abstract void save(O outcome, Path dir, Provenance provenance, String title, HtmlReport.Table table) throws IOException;
    }

    private static Trials<TrainingOutcome> text(TrainingRequest r, RunListener l) {
        TrainingStrategy strategy = r.resolveStrategy();
        TrainingRun.checkStrategySettings(r);
        strategy.checkText(r);
        Tunables.Strategy kind = Tunables.Strategy.of(strategy.trainsBackbone(), r.peftSpec());
        DatasetSplits splits = TrainingRun.readSplits(r, l);
        TrainingRun.describe(splits, l);
        TextModelSpec backbone = TrainingRun.resolveTextModel(r.model, l);
        Task task = Tasks.forTraining(splits, r.taskOptions());
        Map<String, Object> settings;
        try {
            settings = strategy.textSettings(r.trial(Map.of()));
        } finally {
            r.trial(null);
        }
        String fingerprint = fingerprint(backbone, splits, settings, strategy.name());
        return new Trials<>(kind, task, settings, fingerprint) {
            @Override
            public TrainingOutcome train(Map<String, Object> params, List<TrainingListener> epochs) {
                try {
                    return strategy.trainText(backbone, splits, task, r.trial(params), new TrainingContext(l, epochs, null, 1, false));
                } finally {
                    r.trial(null);
                }
            }

            @Override
            public void save(TrainingOutcome o, Path dir, Provenance p, String title, HtmlReport.Table table) throws IOException {
                o.classifier().save(dir, p, o.metricsDocument(), staging -> HtmlReport.write(ReportData.of(title, o), staging,
                        List.of(table)));
            }
        };
    }

    /**
     * Token classification and question answering: the data read and each trial trained as {@link SequenceTaskRun}
     * reads and trains them (the objective is the validation figure that training monitors: entity micro-F1, SQuAD F1).
     */
    private static <O extends RunResult & AutoCloseable> Trials<O> sequences(TrainingRequest r, RunListener l,
                                                                              SequenceTaskRun.Family<O> family) throws IOException {
        TrainingStrategy strategy = r.resolveStrategy();
        TrainingRun.checkStrategySettings(r);
        family.check(strategy);
        Tunables.Strategy kind = Tunables.Strategy.of(strategy.trainsBackbone(), r.peftSpec());
        family.read(l);
        TextModelSpec backbone = TrainingRun.resolveTextModel(r.model, l);
        Task task = family.task(backbone);
        Map<String, Object> settings;
        try {
            r.trial(Map.of());
            settings = family.settings(strategy);
        } finally {
            r.trial(null);
        }
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, backbone.sha256());
        Hashes.update(md, Hashes.sha256(r.trainFile));
        Hashes.update(md, r.valFile == null ? "-" : Hashes.sha256(r.valFile));
        Hashes.update(md, r.maxTrain + "/" + r.valFraction + "/" + r.seed);
        Hashes.update(md, strategy.name());
        Hashes.update(md, settings.toString());
        String fingerprint = HexFormat.of().formatHex(md.digest()).substring(0, 16);
        return new Trials<>(kind, task, settings, fingerprint) {
            @Override
            public O train(Map<String, Object> params, List<TrainingListener> epochs) {
                try {
                    r.trial(params);
                    return family.train(strategy, backbone, new TrainingContext(l, epochs, null, 1, false));
                } finally {
                    r.trial(null);
                }
            }

            @Override
            public void save(O o, Path dir, Provenance p, String title, HtmlReport.Table table) throws IOException {
                family.save(o, dir, p, family.metricsDocument(o), staging -> HtmlReport.write(family.report(title, o, Map.of()),
                        staging, List.of(table)));
            }
        };
    }

    private static Trials<ImageTrainingOutcome> images(TrainingRequest r, RunListener l) {
        ImageTrials t = ImageTrials.prepare(r, l);
        l.summary(String.format("images: train %d, val %d%s; backbone %s (%s)", t.splits().train().size(), t.splits().val().size(),
                t.splits().test().map(x -> ", test " + x.size()).orElse(""), t.backbone().id(), t.backbone().preprocessing()));
        Map<String, Object> settings = t.settings();
        String fingerprint = t.fingerprint();
        return new Trials<>(t.searchStrategy(), t.task(), settings, fingerprint) {
            @Override
            public ImageTrainingOutcome train(Map<String, Object> params, List<TrainingListener> epochs) {
                return t.train(params, epochs);
            }

            @Override
            public void save(ImageTrainingOutcome o, Path dir, Provenance p, String title, HtmlReport.Table table) throws IOException {
                o.save(dir, p, o.metricsDocument(), staging -> HtmlReport.write(ReportData.of(title, o), staging, List.of(table)));
            }
        };
    }

    private static <O extends RunResult & AutoCloseable> TuningResult search(TuningRequest request, Trials<O> trainer,
                                                                           SearchSpace space, Sampler sampler, Pruner pruner,
                                                                           Monitor monitor, TuningListener listener) throws IOException {
        TrainingRequest r = request.training();
        double sign = monitor.higherIsBetter() ? 1 : -1;
        Objective<O> objective = new Objective<>(trainer, sign);
        long start = System.nanoTime();
        Path study = request.study();
        Path out = request.bestModel();
        Map<String, Object> params = r.runParams(trainer.settings());
        params.put("study", study.toString());
        params.put("trials", request.trials());
        params.put("sampler", sampler.name());
        params.put("pruner", pruner.name());
        params.put("search_space", space.spec());
        params.put("objective", "validation " + monitor.key());
        try (Study st = Study.open(study, new Study.Settings(space, sampler, pruner, r.seed, trainer.fingerprint()));
             RunRecorder recorder = RunRecorder.start(r.tracking, "tune", study, out, params, listener::message)) {
            int before = (int) st.trials().stream().filter(Trial::finished).count();
            listener.studyOpened(st.store().file(), before, request.trials(), sampler.name(), pruner.name(), monitor.key());
            st.optimize(request.trials(), objective, log -> sign * monitor.read(log), new Study.Events() {
                @Override
                public void trialStarted(int number, Map<String, Object> trialParams, boolean restarted) {
                    listener.trialStarted(number, trialParams, restarted);
                }

                @Override
                public void trialFinished(Trial t, String note) {
                    listener.trialFinished(t, t.value().isPresent() ? sign * t.value().getAsDouble() : Double.NaN, note);
                }
            });
            List<Trial> all = st.trials();
            Trial best = Study.best(all).orElseThrow(() -> new IllegalStateException("no trial of the study completed (all pruned or"
                    + " failed); see the trial list, widen " + Arguments.name("space") + " or use " + Arguments.name("pruner") + " none."));
            O bestOutcome = objective.take(best.number());
            if (bestOutcome == null) {
                listener.summary("retraining the best trial " + best.number() + " (it ran in an earlier process)");
                bestOutcome = trainer.train(best.params(), List.of());
            }
            O kept = bestOutcome;
            O dflt = null;
            try {
                dflt = trainer.train(Map.of(), List.of());
                HtmlReport.Table table = TuningResult.table(all, space, monitor.key(), sign, best);
                Provenance provenance = kept.provenance().withCommandLine(r.commandLine);
                trainer.save(kept, out, provenance, "graft tune: best trial " + best.number(), table);
                record(recorder, all, best, sign, kept, dflt, table);
                double seconds = (System.nanoTime() - start) / 1e9;
                recorder.finish(kept, provenance, out, seconds);
                return new TuningResult(all, best, monitor.key(), monitor.higherIsBetter(), space, kept.validation(),
                        kept.test().map(t -> (TaskMetrics) t), dflt.validation(), dflt.test().map(t -> (TaskMetrics) t), out,
                        recorder.runId(), recorder.location(), seconds);
            } finally {
                Objective.close(dflt);
                Objective.close(kept);
            }
        }
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
     * the best model's per-epoch history, the default settings' scores ({@code default_val_NAME}, {@code default_test_NAME}
     * for every figure of the task) and the trial table as {@code trials.tsv}.
     */
    private static void record(RunRecorder recorder, List<Trial> all, Trial best, double sign, RunResult kept,
                               RunResult dflt, HtmlReport.Table table) {
        Map<String, Object> bestParams = new TreeMap<>();
        best.params().forEach((k, v) -> bestParams.put("best." + k, v));
        recorder.logParams(bestParams);
        for (Trial t : all) {
            if (t.state() == Trial.State.COMPLETE) {
                recorder.logMetrics(Map.of("trial_score", sign * t.value().getAsDouble()), t.number());
            }
        }
        recorder.logHistory(kept.fit());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("best_trial", (double) best.number());
        m.put("best_trial_score", sign * best.value().orElseThrow());
        m.put("trials_total", (double) all.size());
        for (Trial.State state : List.of(Trial.State.COMPLETE, Trial.State.PRUNED, Trial.State.FAILED)) {
            m.put("trials_" + state.name().toLowerCase(Locale.ROOT), (double) all.stream().filter(t -> t.state() == state).count());
        }
        putFinite(m, "default_val_", dflt.validation());
        dflt.test().ifPresent(t -> putFinite(m, "default_test_", t));
        recorder.logMetrics(m, kept.fit().history().size());
        StringBuilder tsv = new StringBuilder(String.join("\t", table.headers())).append('\n');
        table.rows().forEach(row -> tsv.append(String.join("\t", row)).append('\n'));
        recorder.logText("trials.tsv", tsv.toString());
    }

    private static void putFinite(Map<String, Double> m, String prefix, TaskMetrics metrics) {
        metrics.values().forEach((k, v) -> {
            if (Double.isFinite(v)) {
                m.put(prefix + k, v);
            }
        });
    }

    /** What a resumed text study must match: backbone and pooling, train and validation data, strategy and settings. */
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
}
