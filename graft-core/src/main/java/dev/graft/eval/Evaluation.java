package dev.graft.eval;

import dev.graft.artifact.Prediction;
import dev.graft.data.TextDataset;
import dev.graft.metrics.ClassificationMetrics;
import java.util.List;

/**
 * A model's predictions on a labelled data set and the resulting metrics.
 *
 * @param data        the data evaluated
 * @param predictions one per example, in order
 * @param metrics     accuracy, macro P/R/F1, per-class figures, confusion matrix
 */
public record Evaluation(TextDataset data, List<Prediction> predictions, ClassificationMetrics metrics) {
}
