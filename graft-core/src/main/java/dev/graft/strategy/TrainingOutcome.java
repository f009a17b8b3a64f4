package dev.graft.strategy;

import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.metrics.TaskMetrics;
import dev.graft.training.FitResult;
import java.util.Map;
import java.util.Optional;

/**
 * What a strategy's fit produced.
 *
 * @param classifier      the trained model (holding the best epoch's weights)
 * @param fit             the training history
 * @param validation      metrics of the best model on the validation set
 * @param test            metrics on the test set, when one was given
 * @param embedSeconds    wall time spent obtaining embeddings (near zero on a cache hit)
 * @param cacheHits       splits whose embeddings came from the cache
 * @param provenance      how the model was made
 * @param predictions     the kept model's probabilities by split ({@code "val"}, {@code "test"}), for error
 *                        analysis; empty when the strategy does not keep them
 */
public record TrainingOutcome(TextClassifier classifier, FitResult fit, TaskMetrics validation,
                              Optional<TaskMetrics> test, double embedSeconds, int cacheHits,
                              Provenance provenance, Map<String, SplitPredictions> predictions) implements PooledOutcome, AutoCloseable {

    /** Copies the predictions map. */
    public TrainingOutcome {
        predictions = Map.copyOf(predictions);
    }

    /** An outcome without kept predictions. */
    public TrainingOutcome(TextClassifier classifier, FitResult fit, TaskMetrics validation,
                           Optional<TaskMetrics> test, double embedSeconds, int cacheHits, Provenance provenance) {
        this(classifier, fit, validation, test, embedSeconds, cacheHits, provenance, Map.of());
    }

    /** Predictions on the test split when there is one, else on the validation split (empty if none were kept). */
    public Optional<SplitPredictions> errorAnalysisPredictions() {
        return Optional.ofNullable(predictions.getOrDefault("test", predictions.get("val")));
    }

    /**
     * Saves the classifier with its provenance and {@code metrics.json} as a self-contained model
     * directory, atomically; an existing Graft model at {@code dir} is replaced, anything else refused.
     *
     * @return true when an existing model was replaced
     */
    public boolean save(java.nio.file.Path dir) throws java.io.IOException {
        return classifier.save(dir, provenance, metricsDocument());
    }

    /** Releases the classifier's native resources. */
    @Override
    public void close() {
        classifier.close();
    }

    /**
     * {@link PooledOutcome#metricsDocument()} and, when the encoder ran on libtorch, the model's {@code total_parameters}
     * and {@code trainable_fraction}.
     */
    @Override
    public Map<String, Object> metricsDocument() {
        Map<String, Object> m = PooledOutcome.super.metricsDocument();
        long trainable = (Long) m.get("trainable_parameters");
        classifier.totalParameters().ifPresent(total -> {
            m.put("total_parameters", total);
            m.put("trainable_fraction", total == 0 ? 0.0 : (double) trainable / total);
        });
        return m;
    }
}
