package dev.graft.run;

import dev.graft.artifact.Provenance;
import dev.graft.artifact.Versions;
import dev.graft.report.HtmlReport;
import dev.graft.tensor.io.TemporaryDirectory;
import dev.graft.report.ReportData;
import dev.graft.strategy.RunResult;
import dev.graft.tracking.PeakMemory;
import dev.graft.tracking.RunStatus;
import dev.graft.tracking.RunTracker;
import dev.graft.tracking.TrackedRun;
import dev.graft.tracking.TrackingListener;
import dev.graft.tracking.TrainingRuns;
import dev.graft.training.FitResult;
import dev.graft.training.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Records one run (training, adaptation, a search) as {@link RunTracking} says and writes its report. Tracking never
 * fails training: if the store or server cannot be reached, or a later call fails, a warning goes to the run's
 * messages and training goes on unrecorded. Closing it without {@link #finish} marks the run FAILED.
 */
public final class RunRecorder implements AutoCloseable {

    private final Consumer<String> err;
    private final String runName;
    private final String location;
    private TrackedRun run;
    private TrackingListener listener;

    private RunRecorder(Consumer<String> err, String runName, String location) {
        this.err = err;
        this.runName = runName;
        this.location = location;
    }

    /**
     * Starts recording (unless {@code options} has no tracker).
     *
     * @param command    what runs ({@code train}, {@code adapt}, {@code tune}), recorded as {@code mlflow.source.name}
     * @param namedAfter the directory whose name is the run's name unless {@code options} names the run
     * @param modelDir   the model directory the run writes (tag {@code graft.model_dir})
     * @param params     the run's settings, logged as params right away
     * @param err        where warnings go (one line each)
     */
    public static RunRecorder start(RunTracking options, String command, Path namedAfter, Path modelDir, Map<String, ?> params,
                                    Consumer<String> err) {
        String name = options.runName() != null ? options.runName()
                : namedAfter.toAbsolutePath().normalize().getFileName().toString();
        RunTracker tracker = options.tracker();
        RunRecorder r = new RunRecorder(err, name, tracker == null ? null : tracker.location());
        if (tracker == null) {
            return r;
        }
        try {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("mlflow.source.name", "graft " + command);
            tags.put("mlflow.source.type", "LOCAL");
            tags.put("mlflow.user", System.getProperty("user.name", ""));
            tags.put("graft.version", Versions.graft());
            tags.put("graft.model_dir", modelDir.toAbsolutePath().normalize().toString());
            r.run = tracker.startRun(options.experiment(), name, tags);
            r.run.logParams(TrainingRuns.params(params));
            r.listener = new TrackingListener(r.run, e -> r.warn("could not log epoch metrics", e, "; training continues."));
        } catch (RuntimeException e) {
            r.warn("could not start recording the run in " + tracker.location(), e, "; training continues unrecorded.");
            r.closeQuietly();
        }
        return r;
    }

    /** The run's name (also the report's title). */
    public String runName() {
        return runName;
    }

    /** {@code others} plus the per-epoch metrics logger when recording. */
    public List<TrainingListener> listeners(TrainingListener... others) {
        List<TrainingListener> all = new ArrayList<>(List.of(others));
        if (listener != null) {
            all.add(listener);
        }
        return all;
    }

    /** Logs more params (settings known only at the end, such as a search's best trial). */
    public void logParams(Map<String, ?> params) {
        safely("could not log params", () -> run.logParams(TrainingRuns.params(params)));
    }

    /** Logs metrics at {@code step} (e.g. one value per trial, step = trial number). */
    public void logMetrics(Map<String, Double> metrics, long step) {
        safely("could not log metrics", () -> run.logMetrics(metrics, step));
    }

    /**
     * Logs a finished training's history as per-epoch metrics, as if the run's own listener had seen it (for a model
     * trained without it, such as the best trial of a search).
     */
    public void logHistory(FitResult fit) {
        if (listener != null) {
            fit.history().forEach(listener::onEpochEnd);
            listener.onTrainEnd(fit);
        }
    }

    /** Records {@code content} as the artefact {@code fileName} (at the top of the run's artefacts). */
    public void logText(String fileName, String content) {
        safely("could not record " + fileName, () -> {
            try (TemporaryDirectory tmp = TemporaryDirectory.create("graft-artifact")) {
                run.logArtifact(Files.writeString(tmp.path().resolve(fileName), content, StandardCharsets.UTF_8), null);
            }
        });
    }

    /**
     * Writes report.html and plots/ into {@code dir} (the model's staging directory) from the report data of a text or
     * image run ({@code ReportData.of(runName(), outcome)}), with {@code provenance} as saved; on failure warns and
     * removes what was written, so the model is saved without a report rather than not at all.
     */
    public void writeReport(Supplier<ReportData> report, Provenance provenance, Path dir) {
        writeReport(report, List.of(), provenance, dir);
    }

    /** As {@link #writeReport(Supplier, Provenance, Path)}, with {@code tables} after the summary. */
    public void writeReport(Supplier<ReportData> report, List<HtmlReport.Table> tables, Provenance provenance, Path dir) {
        try {
            HtmlReport.write(report.get().withProvenance(ReportData.provenanceMap(provenance)), dir, tables);
        } catch (RuntimeException | IOException | LinkageError e) {
            err.accept("warning: could not write the report (" + e + "); the model is saved without it.");
            try {
                Files.deleteIfExists(dir.resolve(HtmlReport.REPORT_FILE));
                removeFromStaging(dir.resolve(HtmlReport.PLOTS_DIR));
            } catch (IOException ignored) {
                // the staging directory is replaced as a whole anyway
            }
        }
    }

    /** Logs provenance, summary metrics and the model's small files, then ends the run FINISHED. */
    public void finish(RunResult outcome, Provenance provenance, Path modelDir, double totalSeconds) {
        if (run == null) {
            return;
        }
        try {
            PeakMemory memory = PeakMemory.measure();
            Map<String, String> tags = TrainingRuns.provenanceTags(provenance);
            tags.put("graft.peak_memory_source", memory.source());
            run.setTags(tags);
            run.logMetrics(TrainingRuns.summaryMetrics(outcome, totalSeconds, memory), outcome.fit().history().size());
            TrainingRuns.logModelArtifacts(run, modelDir);
            run.end(RunStatus.FINISHED);
        } catch (RuntimeException | IOException e) {
            warn("could not finish recording the run", e, ".");
        }
    }

    /** The recorded run's id, once the run {@linkplain #finish finished}; empty when it was not recorded. */
    public Optional<String> runId() {
        return run == null || !run.ended() ? Optional.empty() : Optional.of(run.runId());
    }

    /** Where runs are recorded (a file store's absolute path or a server's URL); null when nothing is. */
    public String location() {
        return location;
    }

    private interface Step {
        void run() throws IOException;
    }

    private void safely(String what, Step step) {
        if (run == null || run.ended()) {
            return;
        }
        try {
            step.run();
        } catch (RuntimeException | IOException e) {
            warn(what, e, "; training continues.");
        }
    }

    private void warn(String what, Exception e, String end) {
        err.accept("warning: " + what + ": " + e.getMessage() + end);
    }

    private void closeQuietly() {
        if (run != null) {
            try {
                run.close();
            } catch (RuntimeException ignored) {
                // already warned
            }
            run = null;
            listener = null;
        }
    }

    /** Marks the run FAILED unless it finished. */
    @Override
    public void close() {
        if (run != null && !run.ended()) {
            try {
                run.end(RunStatus.FAILED);
            } catch (RuntimeException e) {
                err.accept("warning: could not mark the run failed: " + e.getMessage());
            }
        }
    }

    /** Removes what the report wrote into the model's staging directory (all of it Graft's own). */
    private static void removeFromStaging(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
