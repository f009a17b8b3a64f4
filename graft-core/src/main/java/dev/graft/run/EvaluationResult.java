package dev.graft.run;

import dev.graft.data.TaskKind;
import dev.graft.metrics.TaskMetrics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A saved model's scores on labelled data.
 *
 * @param metrics   the task's metrics (classification: {@link dev.graft.metrics.ClassificationMetrics}; token
 *                  classification: {@link dev.graft.metrics.EntityMetrics.Scores}; question answering:
 *                  {@link dev.graft.metrics.SquadMetrics.Scores})
 * @param task      the model's task
 * @param examples  the examples scored (sentences, questions)
 * @param images    whether the model reads images
 * @param baselines baselines scored on the same data, by name (question answering: the word-overlap baseline)
 * @param skipped   answers or questions of the data left out as unusable (question answering)
 */
public record EvaluationResult(TaskMetrics metrics, TaskKind task, int examples, boolean images,
                               Map<String, TaskMetrics> baselines, int skipped) {

    /** Copies the baselines, keeping their order. */
    public EvaluationResult {
        baselines = Collections.unmodifiableMap(new LinkedHashMap<>(baselines));
    }

    /** A result without baselines or skips. */
    public EvaluationResult(TaskMetrics metrics, TaskKind task, int examples, boolean images) {
        this(metrics, task, examples, images, Map.of(), 0);
    }
}
