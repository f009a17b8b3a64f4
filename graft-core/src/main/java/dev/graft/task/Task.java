package dev.graft.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.data.TextExample;
import dev.graft.metrics.TaskMetrics;
import java.util.List;
import java.util.Map;

/**
 * What a model learns and how it is judged, independent of what it reads (texts, images): the width of the head's
 * output, the encoding of gold targets, the loss, how raw outputs become predictions ({@link #activate}), the
 * metrics, the default figure to monitor, decoding for users, and what a saved model must remember. One
 * implementation per task family: {@link ClassificationTask}, {@link MultiLabelTask}, {@link RegressionTask}; build
 * one for a training set with {@link Tasks#forTraining}.
 */
public interface Task {

    /** Which family this is. */
    TaskKind kind();

    /** Width of the head's output: classes, labels, or 1 for a number. */
    int outputWidth();

    /** The name of each output: class names, label names, or the target's name for regression. */
    List<String> outputNames();

    /**
     * Encodes the gold targets of {@code examples} (their {@link TextExample#label()} texts, already checked when the
     * data was read).
     */
    Targets encode(List<String> rawTargets);

    /** The targets of the examples at {@code indices}, as the array {@link #loss} expects. */
    NDArray batchTargets(NDManager manager, Targets targets, int[] indices);

    /** The mean loss of a batch of raw head outputs {@code [B, outputWidth]} against {@link #batchTargets}. */
    NDArray loss(NDArray outputs, NDArray targets);

    /** Raw head outputs → what users see: class probabilities, label probabilities, or values in data units. */
    NDArray activate(NDArray outputs);

    /**
     * {@link #activate(NDArray)} of one example's raw outputs held in plain floats, without a tensor engine: the same
     * function, equal to float rounding ({@link Activations}).
     */
    float[] activate(float[] outputs);

    /** The validation loss of activated outputs against gold targets, on the scale of {@link #loss}. */
    double validationLoss(float[][] activated, Targets gold);

    /** Every metric of activated outputs against gold targets. */
    TaskMetrics score(float[][] activated, Targets gold);

    /** The metric that picks the best epoch unless the user names another. */
    String defaultMonitor();

    /**
     * This task with decision settings tuned on validation outputs (multi-label: a threshold per label); the task
     * itself when it has none.
     */
    default Task calibrated(float[][] activated, Targets gold) {
        return this;
    }

    /** One example's prediction for users, from its activated outputs. */
    TaskPrediction decode(float[] activated);

    /** How data for this task writes its targets (to read evaluation data as the model was trained). */
    TargetFormat targetFormat();

    /** What a saved model must remember beyond its output names (thresholds, target scale); empty when nothing. */
    Map<String, Object> settings();
}
