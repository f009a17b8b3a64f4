package dev.graft.strategy;

import dev.graft.artifact.Provenance;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.training.FitResult;
import java.util.Optional;

/**
 * What every strategy's training run reports, text or image: the history, the kept model's scores, the time spent on
 * backbone features and how the model was made. Reports and run tracking read runs through this.
 */
public interface RunResult {

    /** The training history and best epoch. */
    FitResult fit();

    /** The kept model's validation metrics (classification: {@link ClassificationMetrics}). */
    TaskMetrics validation();

    /** Its test metrics, when there was a test set. */
    Optional<? extends TaskMetrics> test();

    /** Wall time spent computing frozen backbone features (0 when the strategy computes none). */
    double embedSeconds();

    /** How the model was made. */
    Provenance provenance();
}
