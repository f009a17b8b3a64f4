package dev.graft.strategy;

import dev.graft.artifact.TextClassifier;
import dev.graft.data.DatasetSplits;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataset;
import dev.graft.metrics.TaskMetrics;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.training.FitResult;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What every strategy does the same way for any task: the monitored metric, and scoring the kept model. */
public final class TaskTraining {

    private TaskTraining() {
    }

    /**
     * {@code config} with a monitor the task measures: a regression has no accuracy or F1 (its default, the validation
     * loss, takes their place), and a multi-label task's accuracy is its subset accuracy; a token task monitors
     * its entity micro-F1 where the classification default (macro-F1) was asked, and token accuracy for accuracy; question answering monitors SQuAD F1 for either.
     */
    public static TrainConfig config(TrainConfig config, Task task) {
        Monitor m = config.monitor();
        if (task.kind() == TaskKind.REGRESSION && (m == Monitor.MACRO_F1 || m == Monitor.ACCURACY)) {
            return config.withMonitor(Monitor.parse(task.defaultMonitor()));
        }
        if (task.kind() == TaskKind.MULTI_LABEL && m == Monitor.ACCURACY) {
            return config.withMonitor(Monitor.parse("subset_accuracy"));
        }
        boolean ranking = m.key().equals("roc_auc") || m.key().equals("pr_auc");
        if (ranking && task.kind() == TaskKind.CLASSIFICATION && task.outputWidth() != 2) {
            throw new IllegalArgumentException("monitor " + m.key() + " scores the positive class of a two-class task, but this"
                    + " task has " + task.outputWidth() + " classes; monitor macro_f1, accuracy or loss instead");
        }
        if (task.kind() == TaskKind.QUESTION_ANSWERING && (m == Monitor.MACRO_F1 || m == Monitor.ACCURACY)) {
            return config.withMonitor(Monitor.parse(task.defaultMonitor())); // SQuAD F1
        }
        if (task.kind() == TaskKind.TOKEN_CLASSIFICATION && m == Monitor.MACRO_F1) {
            return config.withMonitor(Monitor.parse(task.defaultMonitor())); // the entity micro-F1, as seqeval reports it
        }
        if (task.kind() == TaskKind.TOKEN_CLASSIFICATION && m == Monitor.ACCURACY) {
            return config.withMonitor(Monitor.parse("token_accuracy"));
        }
        return config;
    }

    /**
     * Scores the kept model's validation (and test) outputs with its (calibrated) task and gathers the outcome; class
     * probabilities are kept for error analysis of classifiers.
     */
    static TrainingOutcome outcome(TextClassifier model, FitResult fit, DatasetSplits splits, float[][] valOut, float[][] testOut,
                                   double embedSeconds, int cacheHits, RunProvenance.Draft draft) {
        Task task = model.task();
        TaskMetrics val = task.score(valOut, Tasks.targets(task, splits.val()));
        Optional<TaskMetrics> test = testOut == null ? Optional.empty()
                : Optional.of(task.score(testOut, Tasks.targets(task, splits.test().orElseThrow())));
        Map<String, SplitPredictions> predictions = new LinkedHashMap<>();
        if (task.kind() == TaskKind.CLASSIFICATION) {
            predictions.put("val", new SplitPredictions(splits.val(), valOut));
            if (testOut != null) {
                predictions.put("test", new SplitPredictions(splits.test().orElseThrow(), testOut));
            }
        }
        return new TrainingOutcome(model, fit, val, test, embedSeconds, cacheHits, draft.complete(splits, val, test), predictions);
    }

    /** The gold targets of {@code data} as {@code task} encodes them (see {@link Tasks#targets}). */
    static dev.graft.task.Targets targets(Task task, TextDataset data) {
        return Tasks.targets(task, data);
    }
}
