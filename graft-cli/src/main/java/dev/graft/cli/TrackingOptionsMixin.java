package dev.graft.cli;

import dev.graft.report.HtmlReport;
import dev.graft.run.RunRecorder;
import dev.graft.run.RunTracking;
import dev.graft.tracking.RunTracker;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Run-tracking options of {@code graft train}, {@code graft adapt} and {@code graft tune} (core's {@link RunTracking}). */
final class TrackingOptionsMixin {

    /** ./mlruns, or $GRAFT_TRACKING_DIR. */
    static final String DEFAULT_DIR = "${env:GRAFT_TRACKING_DIR:-mlruns}";

    @Option(names = "--no-track", description = "Do not record the run (by default it is recorded in ./mlruns).")
    boolean noTrack;

    @Option(names = "--tracking-dir", defaultValue = DEFAULT_DIR, paramLabel = "DIR",
            description = "MLflow file store to record the run in; `mlflow ui --backend-store-uri DIR` and `graft runs` read it"
                    + " (default: ${DEFAULT-VALUE}; set GRAFT_TRACKING_DIR to change it).")
    Path trackingDir;

    @Option(names = "--tracking-uri", paramLabel = "URL",
            description = "Record the run on an MLflow tracking server instead (http://host:5000), over its REST API.")
    URI trackingUri;

    @Option(names = "--experiment", paramLabel = "NAME", description = "Experiment to record the run under, created if needed (default: Default).")
    String experiment;

    @Option(names = "--run-name", paramLabel = "NAME", description = "Name of the run (default: the --out directory's name; for tune, the --study directory's).")
    String runName;

    /** The tracker, or null with --no-track. */
    RunTracker tracker() {
        if (noTrack) {
            return null;
        }
        return trackingUri != null ? RunTracker.server(trackingUri) : RunTracker.fileStore(trackingDir);
    }

    /** These options as core's tracking settings. */
    RunTracking tracking() {
        RunTracker t = tracker();
        return new RunTracking(t, experiment, runName);
    }

    /** Prints where the report is (when it was written) and where {@code recorder}'s run was recorded (when it was). */
    static void printWhere(PrintWriter out, Path modelDir, RunRecorder recorder) {
        printWhere(out, modelDir, recorder.runId(), recorder.location());
    }

    /** Prints where the report is (when it was written) and where run {@code runId} was recorded (when it was). */
    static void printWhere(PrintWriter out, Path modelDir, Optional<String> runId, String location) {
        if (Files.exists(modelDir.resolve(HtmlReport.REPORT_FILE))) {
            out.println("Report: " + modelDir.resolve(HtmlReport.REPORT_FILE).toAbsolutePath() + "  (charts: "
                    + modelDir.resolve(HtmlReport.PLOTS_DIR).toAbsolutePath() + ")");
        }
        runId.ifPresent(id -> out.println("Run " + id + " recorded in " + location + (location.startsWith("http") ? ""
                : "  (graft runs show " + id.substring(0, 8) + (location.equals(RunTracking.defaultStore().toString())
                ? "" : " --tracking-dir " + location) + ")")));
    }
}
