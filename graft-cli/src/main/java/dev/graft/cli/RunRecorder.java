package dev.graft.cli;

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
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Records one run of {@code graft train}, {@code graft adapt} or {@code graft tune} (the options of
 * {@link TrackingOptionsMixin}) and writes train's report. Tracking never fails training: if the store or server
 * cannot be reached, or a later call fails, a warning is printed and training goes on unrecorded. Closing it without
 * {@link #finish} marks the run FAILED.
 */
final class RunRecorder implements AutoCloseable {

    private final PrintStream err;
    private final String runName;
    private final String location;
    private TrackedRun run;
    private TrackingListener listener;

    private RunRecorder(PrintStream err, String runName, String location) {
        this.err = err;
        this.runName = runName;
        this.location = location;
    }

    /**
     * Starts recording (unless --no-track).
     *
     * @param command    the subcommand ({@code train}, {@code adapt}, {@code tune}), recorded as {@code mlflow.source.name}
     * @param namedAfter the directory whose name is the run's name unless --run-name is given
     * @param modelDir   the model directory the run writes (tag {@code graft.model_dir})
     * @param params     the run's settings, logged as params right away
     */
    static RunRecorder start(TrackingOptionsMixin options, String command, Path namedAfter, Path modelDir, Map<String, ?> params,
                             PrintStream err) {
        String name = options.runName != null ? options.runName
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
            r.run = tracker.startRun(options.experiment, name, tags);
            r.run.logParams(TrainingRuns.params(params));
            r.listener = new TrackingListener(r.run, e -> r.warn("could not log epoch metrics", e, "; training continues."));
        } catch (RuntimeException e) {
            r.warn("could not start recording the run in " + tracker.location(), e, "; training continues unrecorded.");
            r.closeQuietly();
        }
        return r;
    }

    /** The run's name (also the report's title). */
    String runName() {
        return runName;
    }

    /** {@code others} plus the per-epoch metrics logger when recording. */
    List<TrainingListener> listeners(TrainingListener... others) {
        List<TrainingListener> all = new ArrayList<>(List.of(others));
        if (listener != null) {
            all.add(listener);
        }
        return all;
    }

    /** Logs more params (settings known only at the end, such as a search's best trial). */
    void logParams(Map<String, ?> params) {
        safely("could not log params", () -> run.logParams(TrainingRuns.params(params)));
    }

    /** Logs metrics at {@code step} (e.g. one value per trial, step = trial number). */
    void logMetrics(Map<String, Double> metrics, long step) {
        safely("could not log metrics", () -> run.logMetrics(metrics, step));
    }

    /**
     * Logs a finished training's history as per-epoch metrics, as if the run's own listener had seen it (for a model
     * trained without it, such as the best trial of a search).
     */
    void logHistory(FitResult fit) {
        if (listener != null) {
            fit.history().forEach(listener::onEpochEnd);
            listener.onTrainEnd(fit);
        }
    }

    /** Records {@code content} as the artefact {@code fileName} (at the top of the run's artefacts). */
    void logText(String fileName, String content) {
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
    void writeReport(Supplier<ReportData> report, Provenance provenance, Path dir) {
        writeReport(report, List.of(), provenance, dir);
    }

    /** As {@link #writeReport(Supplier, Provenance, Path)}, with {@code tables} after the summary. */
    void writeReport(Supplier<ReportData> report, List<HtmlReport.Table> tables, Provenance provenance, Path dir) {
        try {
            HtmlReport.write(report.get().withProvenance(ReportData.provenanceMap(provenance)), dir, tables);
        } catch (RuntimeException | IOException | LinkageError e) {
            err.println("warning: could not write the report (" + e + "); the model is saved without it.");
            try {
                Files.deleteIfExists(dir.resolve(HtmlReport.REPORT_FILE));
                removeFromStaging(dir.resolve(HtmlReport.PLOTS_DIR));
            } catch (IOException ignored) {
                // the staging directory is replaced as a whole anyway
            }
        }
    }

    /** Prints where the report is (when it was written) and where the run was recorded (when it was). */
    void printWhere(PrintWriter out, Path modelDir) {
        if (Files.exists(modelDir.resolve(HtmlReport.REPORT_FILE))) {
            out.println("Report: " + modelDir.resolve(HtmlReport.REPORT_FILE).toAbsolutePath() + "  (charts: "
                    + modelDir.resolve(HtmlReport.PLOTS_DIR).toAbsolutePath() + ")");
        }
        String recorded = recordedLine();
        if (recorded != null) {
            out.println(recorded);
        }
    }

    /** Logs provenance, summary metrics and the model's small files, then ends the run FINISHED. */
    void finish(RunResult outcome, Provenance provenance, Path modelDir, double totalSeconds) {
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

    /** A line saying where the run was recorded, or null when it was not. */
    String recordedLine() {
        if (run == null || !run.ended()) {
            return null;
        }
        return "Run " + run.runId() + " recorded in " + location + (location.startsWith("http") ? ""
                : "  (graft runs show " + run.runId().substring(0, 8) + (location.equals(defaultStore())
                ? "" : " --tracking-dir " + location) + ")");
    }

    private static String defaultStore() {
        String env = System.getenv("GRAFT_TRACKING_DIR");
        return Path.of(env == null || env.isBlank() ? "mlruns" : env).toAbsolutePath().normalize().toString();
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
        err.println("warning: " + what + ": " + e.getMessage() + end);
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
                err.println("warning: could not mark the run failed: " + e.getMessage());
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
