package dev.graft.run;

import dev.graft.data.TaskKind;
import dev.graft.selection.ComparedMetric;
import dev.graft.selection.Recommendation;
import dev.graft.selection.RunResult;
import java.util.List;

/**
 * What a comparison measured and recommends.
 *
 * @param runs           the measured runs, in order (feature extraction, fine-tuning, LoRA for text, the random-init baseline)
 * @param recommendation the rule's pick and its reasons
 * @param metric         the figure decided on, its direction and the table's columns
 * @param task           the task compared
 * @param trainExamples  training examples
 */
public record ComparisonResult(List<RunResult> runs, Recommendation recommendation, ComparedMetric metric, TaskKind task,
                               int trainExamples) {

    /** Copies the runs. */
    public ComparisonResult {
        runs = List.copyOf(runs);
    }

    /** The run named {@code name}. */
    public RunResult run(String name) {
        return runs.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run named " + name));
    }

    /** The split the runs were scored on (test when given, else validation). */
    public String scoredSplit() {
        return runs.get(0).scoredSplit();
    }
}
