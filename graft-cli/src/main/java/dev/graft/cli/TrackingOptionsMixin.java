package dev.graft.cli;

import dev.graft.tracking.RunTracker;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Run-tracking options of {@code graft train}, {@code graft adapt} and {@code graft tune} (read by {@link RunRecorder}). */
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
}
