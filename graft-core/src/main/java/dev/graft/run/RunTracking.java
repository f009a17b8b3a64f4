package dev.graft.run;

import dev.graft.tracking.RunTracker;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where and under which names a run is recorded (MLflow's file layout or an MLflow server).
 *
 * @param tracker    the store or server, or {@code null} to record nothing
 * @param experiment the experiment, created if needed ({@code null}: Default)
 * @param runName    the run's name ({@code null}: the output directory's name)
 */
public record RunTracking(RunTracker tracker, String experiment, String runName) {

    /** The environment variable naming the default file store. */
    public static final String DIR_VARIABLE = "GRAFT_TRACKING_DIR";

    /** Records in {@link #defaultStore()}, as {@code graft train} does. */
    public static RunTracking defaults() {
        return fileStore(defaultStore());
    }

    /** Records nothing. */
    public static RunTracking off() {
        return new RunTracking(null, null, null);
    }

    /** Records in the MLflow file store {@code dir}. */
    public static RunTracking fileStore(Path dir) {
        return new RunTracking(RunTracker.fileStore(dir), null, null);
    }

    /** Records on the MLflow tracking server at {@code uri}, over its REST API. */
    public static RunTracking server(URI uri) {
        return new RunTracking(RunTracker.server(uri), null, null);
    }

    /** The same, under experiment {@code name}. */
    public RunTracking withExperiment(String name) {
        return new RunTracking(tracker, name, runName);
    }

    /** The same, naming the run {@code name}. */
    public RunTracking withRunName(String name) {
        return new RunTracking(tracker, experiment, name);
    }

    /** {@code ./mlruns}, or {@code $GRAFT_TRACKING_DIR}, absolute. */
    public static Path defaultStore() {
        String env = System.getenv(DIR_VARIABLE);
        return Path.of(env == null || env.isBlank() ? "mlruns" : env).toAbsolutePath().normalize();
    }
}
