package dev.graft.run;

import dev.graft.metrics.TaskMetrics;
import dev.graft.selection.FrozenFeatureBaselines;
import dev.graft.selection.TransferCheck;
import dev.graft.strategy.RunResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a training run produced: the saved model directory with its metrics, report and baselines, where the run was
 * recorded, and the trained model itself (closed with this result).
 *
 * @param modelDir           the saved model directory
 * @param replaced           whether it replaced a model saved there before
 * @param outcome            the training outcome: history, scores, the model ({@code TrainingOutcome} for text,
 *                           {@code ImageTrainingOutcome} for images)
 * @param metrics            the metrics document saved as {@code metrics.json}
 * @param report             the report, when it was written
 * @param transferCheck      the negative-transfer check of a classifier, unless baselines were off or it failed
 * @param linearBaselines    the linear baselines on frozen features of a multi-label or regression text model
 * @param trackingRunId      the recorded run's id, when the run was recorded
 * @param trackingLocation   where runs are recorded (null when tracking was off)
 * @param validationExamples examples in the validation split
 * @param testExamples       examples in the test split, when there was one
 * @param cacheHits          splits whose frozen features came from the cache
 * @param totalSeconds       wall time of the run, from the data read to the model saved
 * @param baselineScores     the baselines of a token-classification or question-answering run on the split it reports
 *                           (test, else validation), by name ({@code most-frequent-tag}; {@code overlap-sentence}, ...)
 */
public record TrainingResult(Path modelDir, boolean replaced, RunResult outcome, Map<String, Object> metrics, Optional<Path> report,
                             Optional<TransferCheck> transferCheck, List<FrozenFeatureBaselines.Score> linearBaselines,
                             Optional<String> trackingRunId, String trackingLocation, int validationExamples,
                             Optional<Integer> testExamples, int cacheHits, double totalSeconds,
                             Map<String, TaskMetrics> baselineScores) implements AutoCloseable {

    /** Copies the baseline scores. */
    public TrainingResult {
        baselineScores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(baselineScores)); // keeps their order
    }

    /** A result without {@link #baselineScores} (classification, multi-label, regression: their baselines are typed). */
    public TrainingResult(Path modelDir, boolean replaced, RunResult outcome, Map<String, Object> metrics, Optional<Path> report,
                          Optional<TransferCheck> transferCheck, List<FrozenFeatureBaselines.Score> linearBaselines,
                          Optional<String> trackingRunId, String trackingLocation, int validationExamples,
                          Optional<Integer> testExamples, int cacheHits, double totalSeconds) {
        this(modelDir, replaced, outcome, metrics, report, transferCheck, linearBaselines, trackingRunId, trackingLocation,
                validationExamples, testExamples, cacheHits, totalSeconds, Map.of());
    }

    /** The saved {@code metrics.json}. */
    public Path metricsFile() {
        return modelDir.resolve("metrics.json");
    }

    /** Releases the trained model. */
    @Override
    public void close() {
        if (outcome instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
