package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.data.TaskKind;
import dev.graft.task.TaskPrediction;
import java.util.Locale;
import java.util.stream.Collectors;

/** How {@code graft predict} writes a multi-label or regression prediction, for texts and images alike. */
final class TaskPredictionOutput {

    private TaskPredictionOutput() {
    }

    /**
     * Adds the prediction to a JSON line: {@code "value"} (regression), or {@code "labels"} (those at or above their
     * thresholds, most probable first) and {@code "probabilities"} (every label's).
     */
    static void addTo(ObjectNode o, TaskPrediction p, TaskKind kind) {
        if (kind == TaskKind.REGRESSION) {
            o.put("value", p.value());
        } else {
            var labels = o.putArray("labels");
            p.labels().forEach(labels::add);
            ObjectNode all = o.putObject("probabilities");
            p.scores().forEach(all::put);
        }
    }

    /**
     * The first column of a plain line: the value (regression), or each label at or above its threshold as
     * {@code label:probability}, comma-separated, most probable first ({@code -} when none is).
     */
    static String column(TaskPrediction p, TaskKind kind) {
        if (kind == TaskKind.REGRESSION) {
            return String.format(Locale.ROOT, "%.4f", p.value());
        }
        String labels = p.labels().stream().map(l -> String.format(Locale.ROOT, "%s:%.3f", l, p.scores().get(l)))
                .collect(Collectors.joining(","));
        return labels.isEmpty() ? "-" : labels;
    }
}
