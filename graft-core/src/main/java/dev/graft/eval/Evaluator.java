package dev.graft.eval;

import dev.graft.artifact.Prediction;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.LabelMap;
import dev.graft.data.TextDataset;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.task.ClassificationTask;
import dev.graft.task.Targets;
import dev.graft.task.Tasks;
import dev.graft.util.Progress;
import java.util.List;

/** Evaluates a trained classifier on labelled data. */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * Predicts every example (single texts or text pairs, as the model reads them) and scores the predictions. A label
     * the model was not trained on is an error naming the label, file and line; so is data of the other kind (pairs
     * for a single-text model, or the reverse).
     */
    public static Evaluation evaluate(TextClassifier model, TextDataset data, Progress progress) {
        LabelMap labels = model.labels();
        labels.requireKnownLabels(data);
        float[][] probabilities = model.probabilities(data, progress);
        List<Prediction> predictions = model.toPredictions(probabilities);
        int[] gold = data.examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        // the task decides as the predictions did, and adds ROC-AUC and PR-AUC for two classes
        ClassificationMetrics metrics = ((ClassificationTask) model.task()).score(probabilities, new Targets.Classes(gold));
        return new Evaluation(data, predictions, metrics);
    }

    /**
     * Scores a model of any task (classification, multi-label, regression) on {@code data}, whose targets must be
     * written as the model's task reads them ({@link dev.graft.task.Task#targetFormat()}).
     */
    public static TaskMetrics score(TextClassifier model, TextDataset data, Progress progress) {
        if (model.task().kind() == dev.graft.data.TaskKind.CLASSIFICATION) {
            return evaluate(model, data, progress).metrics();
        }
        Targets gold = Tasks.targets(model.task(), data);
        return model.task().score(model.probabilities(data, progress), gold);
    }

    /** {@link #evaluate(TextClassifier, TextDataset, Progress)} without progress reporting. */
    public static Evaluation evaluate(TextClassifier model, TextDataset data) {
        return evaluate(model, data, Progress.NONE);
    }
}
