package dev.graft.artifact;

import dev.graft.data.LabelMap;
import dev.graft.data.TaskKind;
import dev.graft.model.head.HeadConfig;
import dev.graft.task.ClassificationTask;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.task.TaskPrediction;
import java.util.ArrayList;
import java.util.List;

/**
 * What a model with one pooled output row per input shares, whatever its modality (a text or an image classifier,
 * multi-label or regression model): its task, the outputs' names, decoding, calibration of the task's decision settings
 * and single-label predictions.
 */
public abstract class PooledTaskModel extends DirectoryModel {

    private final LabelMap labels;
    private Task task;

    /** Checks that the head has one output per task output. */
    PooledTaskModel(HeadConfig head, Task task) {
        if (head.numClasses() != task.outputWidth()) {
            throw new IllegalArgumentException("head has " + head.numClasses() + " outputs but the task has "
                    + task.outputWidth());
        }
        this.task = task;
        this.labels = task.kind() == TaskKind.CLASSIFICATION ? LabelMap.of(task.outputNames()) : LabelMap.ofOrdered(task.outputNames());
    }

    /** Each row of outputs as the task's prediction: a class, the labels above their thresholds, or a value. */
    public List<TaskPrediction> decode(float[][] outputs) {
        Task t = task();
        List<TaskPrediction> out = new ArrayList<>(outputs.length);
        for (float[] o : outputs) {
            out.add(t.decode(o));
        }
        return out;
    }

    /** What this model predicts and how it is scored. */
    public synchronized Task task() {
        return task;
    }

    /**
     * Tunes the task's decision settings on validation outputs (multi-label: a threshold per label); they are saved
     * with the model.
     */
    public synchronized void calibrate(float[][] validationOutputs, Targets gold) {
        task = task.calibrated(validationOutputs, gold);
    }

    /** The outputs' names: class labels in index order, label names, or the regression target's name. */
    public LabelMap labels() {
        return labels;
    }

    /**
     * Turns probability rows into predictions (single-label classification: the most probable class, or for a
     * two-class model with a decision threshold, the positive class when its probability reaches it).
     *
     * @throws IllegalStateException for a multi-label or regression model: use {@link #decode}
     */
    public List<Prediction> toPredictions(float[][] probabilities) {
        if (task().kind() != TaskKind.CLASSIFICATION) {
            throw new IllegalStateException("this model's task is " + task().kind().key() + ": decode its outputs with decode()");
        }
        ClassificationTask classes = (ClassificationTask) task();
        List<Prediction> out = new ArrayList<>(probabilities.length);
        for (float[] p : probabilities) {
            int k = classes.predict(p); // the most probable class, or the positive class at its decision threshold
            out.add(new Prediction(labels.label(k), p[k], p));
        }
        return out;
    }
}
