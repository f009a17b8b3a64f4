package dev.graft.strategy;

import dev.graft.artifact.PooledTaskModel;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A training run whose model has one pooled output row per input, text or image: it answers its single-label
 * metrics and the common part of {@code metrics.json} once for both modalities.
 */
public interface PooledOutcome extends RunResult {

    /** The trained model. */
    PooledTaskModel classifier();

    @Override
    Optional<TaskMetrics> test();

    /**
     * The validation metrics of a single-label classifier.
     *
     * @throws IllegalStateException for another task (multi-label, regression), whose metrics are {@link #validation()}
     */
    default ClassificationMetrics classification() {
        if (validation() instanceof ClassificationMetrics c) {
            return c;
        }
        throw new IllegalStateException("this run's task is " + classifier().task().kind().key() + ", not classification");
    }

    /** The test metrics of a single-label classifier, if there is a test set (see {@link #classification()}). */
    default Optional<ClassificationMetrics> classificationTest() {
        classification();
        return test().map(t -> (ClassificationMetrics) t);
    }

    /**
     * {@code {"validation": {...}, "test": {...}, "best_epoch": n, ...}} as written to {@code metrics.json}, with the
     * most parameters any epoch trained ({@code trainable_parameters}).
     */
    default Map<String, Object> metricsDocument() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("validation", validation().toMap());
        test().ifPresent(t -> m.put("test", t.toMap()));
        FitResult fit = fit();
        m.putAll(fit.summary());
        m.put("embed_seconds", embedSeconds());
        m.put("train_seconds", fit.seconds());
        m.put("trainable_parameters", fit.history().stream().mapToLong(EpochLog::trainable).max().orElse(0));
        return m;
    }
}
