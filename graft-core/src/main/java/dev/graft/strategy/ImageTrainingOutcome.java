package dev.graft.strategy;

import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.training.FitResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What an image strategy's fit produced (the image counterpart of {@link TrainingOutcome}).
 *
 * @param classifier   the trained model (best epoch's weights)
 * @param fit          the training history
 * @param validation   metrics on the validation images ({@link ClassificationMetrics} for a classifier; multi-label
 *                     and regression metrics for those tasks)
 * @param test         metrics on the test images, when given
 * @param embedSeconds wall time spent computing backbone features (feature extraction; near zero on a cache hit)
 * @param cacheHits    splits whose features came from the cache
 * @param provenance   how the model was made
 * @param predictions  the kept classifier's probabilities by split ({@code "val"}, {@code "test"}), for error analysis;
 *                     empty for other tasks
 */
public record ImageTrainingOutcome(ImageClassifier classifier, FitResult fit, TaskMetrics validation,
                                   Optional<TaskMetrics> test, double embedSeconds, int cacheHits,
                                   Provenance provenance, Map<String, ImagePredictions> predictions)
        implements PooledOutcome, AutoCloseable {

    /** Copies the predictions map. */
    public ImageTrainingOutcome {
        predictions = Map.copyOf(predictions);
    }

    /** Predictions on the test split when there is one, else on the validation split (empty if none were kept). */
    public Optional<ImagePredictions> errorAnalysisPredictions() {
        return Optional.ofNullable(predictions.getOrDefault("test", predictions.get("val")));
    }

    /** Saves the model directory atomically with {@link #metricsDocument()} (see {@link ImageClassifier#save}). */
    public boolean save(Path dir, Provenance p, ModelDirectory.Writer extras) throws IOException {
        return save(dir, p, metricsDocument(), extras);
    }

    /** Saves the model directory atomically with {@code metrics} as {@code metrics.json} (see {@link ImageClassifier#save}). */
    public boolean save(Path dir, Provenance p, Map<String, Object> metrics, ModelDirectory.Writer extras) throws IOException {
        return classifier.save(dir, p, metrics, extras);
    }

    @Override
    public void close() {
        classifier.close();
    }
}
