package dev.graft.tracking;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One run being recorded. Parameters are immutable once logged (as in MLflow); metrics keep their whole history,
 * one value per (step, timestamp). {@link #close()} ends a run that was not ended explicitly as
 * {@link RunStatus#FAILED}, so a crash between start and end never leaves it looking successful.
 */
public interface TrackedRun extends AutoCloseable {

    /** The run id (32 hex digits). */
    String runId();

    /** The experiment the run belongs to. */
    String experimentId();

    /** Logs one parameter; the value is written as given. */
    void logParam(String key, String value);

    /** Logs parameters in iteration order; values are converted with {@link String#valueOf(Object)}. */
    default void logParams(Map<String, ?> params) {
        params.forEach((k, v) -> logParam(k, String.valueOf(v)));
    }

    /** Logs a metric value at {@code step}, timestamped now. */
    default void logMetric(String key, double value, long step) {
        logMetric(key, value, step, System.currentTimeMillis());
    }

    /** Logs a metric value at {@code step} with an explicit timestamp (milliseconds since the epoch). */
    void logMetric(String key, double value, long step, long timestampMillis);

    /** Logs several metrics at one step, timestamped now. */
    default void logMetrics(Map<String, Double> metrics, long step) {
        long now = System.currentTimeMillis();
        metrics.forEach((k, v) -> logMetric(k, v, step, now));
    }

    /** Sets (or overwrites) a tag. */
    void setTag(String key, String value);

    /** Sets tags in iteration order. */
    default void setTags(Map<String, String> tags) {
        tags.forEach(this::setTag);
    }

    /**
     * Records a file or a directory tree as an artefact.
     *
     * @param source       the file or directory to copy
     * @param artifactPath the folder inside the run's artefacts to put it in; empty or null for the top
     */
    void logArtifact(Path source, String artifactPath) throws IOException;

    /** Ends the run with {@code status} (FINISHED, FAILED or KILLED) and the current time. */
    void end(RunStatus status);

    /** Whether {@link #end} was called. */
    boolean ended();

    /** Ends the run as FAILED unless it was ended already. */
    @Override
    default void close() {
        if (!ended()) {
            end(RunStatus.FAILED);
        }
    }
}
