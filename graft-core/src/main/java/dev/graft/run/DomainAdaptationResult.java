package dev.graft.run;

import dev.graft.strategy.adapt.AdaptationResult;
import dev.graft.strategy.adapt.AdaptationRun;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a domain-adaptation run produced: the saved model directory with its metrics and report, where the run was
 * recorded, and the adaptation itself (scores, proxy A-distances, the adapted classifier; closed with this result).
 *
 * @param modelDir         the saved model directory
 * @param replaced         whether it replaced a model saved there before
 * @param run              the adaptation: its {@link AdaptationRun#result() result}, provenance and classifier
 * @param report           the report, when it was written
 * @param trackingRunId    the recorded run's id, when the run was recorded
 * @param trackingLocation where runs are recorded (null when tracking was off)
 * @param totalSeconds     wall time of the run, from the data read to the model saved
 */
public record DomainAdaptationResult(Path modelDir, boolean replaced, AdaptationRun run, Optional<Path> report,
                                     Optional<String> trackingRunId, String trackingLocation, double totalSeconds)
        implements AutoCloseable {

    /** Checks the fields. */
    public DomainAdaptationResult {
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(trackingRunId, "trackingRunId");
    }

    /** The adaptation's figures: target scores of the source-only baseline and the adapted model, distances, sizes. */
    public AdaptationResult adaptation() {
        return run.result();
    }

    /** The saved {@code metrics.json}. */
    public Path metricsFile() {
        return modelDir.resolve("metrics.json");
    }

    /** Releases the adapted classifier. */
    @Override
    public void close() {
        run.close();
    }
}
