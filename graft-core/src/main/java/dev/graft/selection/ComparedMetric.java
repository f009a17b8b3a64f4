package dev.graft.selection;

import dev.graft.data.TaskKind;
import dev.graft.metrics.SquadMetrics;
import dev.graft.task.Task;
import dev.graft.training.Monitor;
import java.util.List;
import java.util.Locale;

/**
 * The figure a comparison or recommendation decides on, with its direction and the figures a table shows beside it.
 * Each task has its own ({@link #forTask}):
 * <ul>
 *   <li>single-label classification: accuracy (its standard error has a closed form, {@link Recommendation#twoStandardErrors});</li>
 *   <li>multi-label: macro-F1 over the labels at their tuned thresholds — the decisions the model delivers, the figure
 *       the GoEmotions paper reports, and the default monitor, so the best epoch and the comparison agree (mAP is
 *       threshold-free and shown beside it);</li>
 *   <li>regression (single texts, text pairs or images): RMSE in the target's units, lower is better — the figure the
 *       squared-error loss optimises; Pearson and Spearman are shown beside it;</li>
 *   <li>token classification (named-entity recognition): entity micro-F1 ({@code micro_f1}), higher is better;</li>
 *   <li>extractive question answering: SQuAD F1 ({@code squad_f1}), higher is better.</li>
 * </ul>
 * Any other figure the task measures can be named instead ({@link #named}).
 *
 * @param name           the figure's name in the task's metrics (e.g. {@code macro_f1})
 * @param higherIsBetter its direction
 * @param columns        the figures a comparison table shows, this one first
 */
public record ComparedMetric(String name, boolean higherIsBetter, List<String> columns) {

    /** Accuracy, the figure single-label classification is compared on. */
    public static final ComparedMetric ACCURACY = new ComparedMetric("accuracy", true, List.of("accuracy", "macro_f1"));

    /** Copies the columns. */
    public ComparedMetric {
        columns = List.copyOf(columns);
    }

    /** The figure {@code task} is compared on (see the class description). */
    public static ComparedMetric forTask(Task task) {
        return forKind(task.kind());
    }

    /** The figure a task of {@code kind} is compared on (see the class description). */
    public static ComparedMetric forKind(TaskKind kind) {
        return switch (kind) {
            case CLASSIFICATION -> ACCURACY;
            case MULTI_LABEL -> new ComparedMetric("macro_f1", true, List.of("macro_f1", "micro_f1", "map"));
            case REGRESSION -> new ComparedMetric("rmse", false, List.of("rmse", "pearson", "spearman"));
            case TOKEN_CLASSIFICATION -> new ComparedMetric("micro_f1", true, List.of("micro_f1", "precision", "recall"));
            case QUESTION_ANSWERING -> new ComparedMetric(SquadMetrics.Scores.F1, true,
                    List.of(SquadMetrics.Scores.F1, SquadMetrics.Scores.EXACT));
            default -> throw new IllegalArgumentException("comparing strategies covers classification, multi-label, regression,"
                    + " token classification and question answering tasks, not " + kind.key());
        };
    }

    /**
     * The figure {@code name} (a metric name as monitored, e.g. {@code spearman}) with its direction, shown before the
     * task's own columns.
     *
     * @throws IllegalArgumentException naming the figures of the task when it does not measure {@code name}
     */
    public static ComparedMetric named(String name, Task task) {
        return named(name, task.kind(), task.outputWidth() == 2);
    }

    /**
     * The figure {@code name} of a task of {@code kind} ({@code binary}: a two-class classification, which also measures
     * ROC-AUC and PR-AUC), as {@link #named(String, Task)}; token classification and question answering, whose task is
     * built in the training run, are named by kind.
     *
     * @throws IllegalArgumentException naming the figures of the task when it does not measure {@code name}
     */
    public static ComparedMetric named(String name, TaskKind kind, boolean binary) {
        Monitor m = Monitor.parse(name);
        List<String> measured = switch (kind) {
            case CLASSIFICATION -> binary ? List.of("accuracy", "macro_f1", "roc_auc", "pr_auc")
                    : List.of("accuracy", "macro_f1");
            case MULTI_LABEL -> List.of("macro_f1", "micro_f1", "map", "subset_accuracy");
            case REGRESSION -> List.of("rmse", "mae", "r2", "pearson", "spearman");
            case TOKEN_CLASSIFICATION -> List.of("micro_f1", "precision", "recall", "macro_f1", "token_accuracy");
            case QUESTION_ANSWERING -> List.of(SquadMetrics.Scores.F1, SquadMetrics.Scores.EXACT);
            default -> List.of();
        };
        if (!measured.contains(m.key())) {
            throw new IllegalArgumentException(dev.graft.util.Arguments.name("metric") + " " + name + " is not a figure of this "
                    + kind.key() + " task; use one of " + String.join(", ", measured) + ".");
        }
        List<String> columns = new java.util.ArrayList<>(List.of(m.key()));
        forKind(kind).columns().stream().filter(c -> !c.equals(m.key())).forEach(columns::add);
        return new ComparedMetric(m.key(), m.higherIsBetter(), columns.subList(0, Math.min(3, columns.size())));
    }

    /**
     * What one whole of the figure is in its own numbers: 100 for the SQuAD figures, which are percentages as the
     * official script reports them, 1 for the others (fractions, or units such as RMSE's). A margin given as a fraction
     * is multiplied by this before it is compared with gaps of the figure.
     */
    public double unit() {
        return name.startsWith("squad_") ? 100 : 1;
    }

    /** Whether the standard error needs a bootstrap (every figure but accuracy). */
    public boolean bootstrapped() {
        return !name.equals(ACCURACY.name);
    }

    /** How much better {@code a} is than {@code b} in this figure's direction (positive: {@code a} is better). */
    public double gain(double a, double b) {
        return higherIsBetter ? a - b : b - a;
    }

    /**
     * A difference as a sentence part: in points (×100) for the bounded higher-is-better figures (accuracy, F1, mAP,
     * correlations), in the figure's own units otherwise (RMSE, MAE).
     */
    public String format(double difference, boolean signed) {
        return higherIsBetter ? String.format(Locale.ROOT, signed ? "%+.1f points" : "%.1f points", 100 * difference / unit())
                : String.format(Locale.ROOT, signed ? "%+.4f %s" : "%.4f %s", difference, name);
    }
}
