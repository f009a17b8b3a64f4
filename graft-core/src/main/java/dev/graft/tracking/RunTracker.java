package dev.graft.tracking;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where runs are recorded: an MLflow file store ({@link #fileStore}) or an MLflow tracking server
 * ({@link #server}).
 *
 * <pre>{@code
 * RunTracker tracker = RunTracker.fileStore(Path.of("mlruns"));
 * try (TrackedRun run = tracker.startRun("my-experiment", "first-try", Map.of())) {
 *     run.logParam("lr", "0.01");
 *     run.logMetric("val_loss", 0.42, 1);
 *     run.logArtifact(Path.of("model/report.html"), "");
 *     run.end(RunStatus.FINISHED);
 * }
 * }</pre>
 */
public interface RunTracker {

    /** The default experiment's name, as in MLflow. */
    String DEFAULT_EXPERIMENT = "Default";

    /**
     * Starts a run.
     *
     * @param experimentName the experiment, created if absent; null or blank for {@value #DEFAULT_EXPERIMENT}
     * @param runName        the run's name (tag {@code mlflow.runName}); null for a generated one
     * @param tags           initial tags
     * @return the run, RUNNING
     */
    TrackedRun startRun(String experimentName, String runName, Map<String, String> tags);

    /** Where runs go, for messages: a path or a URL. */
    String location();

    /** An MLflow file store rooted at {@code root} (MLflow's default is {@code ./mlruns}). */
    static RunTracker fileStore(Path root) {
        return new FileRunTracker(root);
    }

    /** An MLflow tracking server at {@code uri} (e.g. {@code http://localhost:5000}), over its REST API. */
    static RunTracker server(URI uri) {
        return new RestRunTracker(uri);
    }
}
