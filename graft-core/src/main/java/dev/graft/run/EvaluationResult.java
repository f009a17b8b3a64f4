package dev.graft.run;

import dev.graft.data.TaskKind;
import dev.graft.metrics.TaskMetrics;

/**
 * A saved model's scores on labelled data.
 *
 * @param metrics  the task's metrics (classification: {@link dev.graft.metrics.ClassificationMetrics})
 * @param task     the model's task
 * @param examples the examples scored
 * @param images   whether the model reads images
 */
public record EvaluationResult(TaskMetrics metrics, TaskKind task, int examples, boolean images) {
}
