package dev.graft.task;

import dev.graft.data.DataException;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.TargetColumn;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataset;
import java.util.List;
import java.util.Map;

/** Builds the {@link Task} a training set calls for, and restores the task of a saved model. */
public final class Tasks {

    /** The name of a regression model's single output when the data does not name its target. */
    public static final String DEFAULT_TARGET_NAME = "value";

    private Tasks() {
    }

    /**
     * The task for {@code splits}, from its training set: the classes, the label list, or the target's scale.
     *
     * @param options class weights and the regression loss
     */
    public static Task forTraining(DatasetSplits splits, TaskOptions options) {
        return forTraining(splits.train().targetColumn(), splits.task() == TaskKind.REGRESSION ? null : splits.labelMap(), options);
    }

    /**
     * The task for training targets {@code train}, whatever the examples are (texts, images): classification or
     * multi-label over {@code outputs}, or regression on the targets' scale.
     *
     * @param outputs the classes or labels, in output order ({@code null} for regression)
     * @param options class weights and the regression loss
     */
    public static Task forTraining(TargetColumn train, LabelMap outputs, TaskOptions options) {
        return switch (train.task()) {
            case CLASSIFICATION -> {
                ClassificationTask task = ClassificationTask.of(outputs);
                if (options.balancedClassWeights()) {
                    int[] classes = ((Targets.Classes) task.encode(train.raw())).classes();
                    task = task.withClassWeights(ClassificationTask.balancedWeights(classes, task.outputWidth()));
                }
                yield binaryChoices(task, options);
            }
            case MULTI_LABEL -> new MultiLabelTask(outputs.labels(), train.format().separator(), null);
            case REGRESSION -> RegressionTask.fit(options.targetName(), train.values(), options.huberDelta());
            case TOKEN_CLASSIFICATION -> throw new DataException(train.name() + " is a table; a token-classification task is"
                    + " built from tagged sentences (TokenTask).");
            case QUESTION_ANSWERING -> throw new DataException(train.name() + " is a table; a question-answering task is"
                    + " built from questions with contexts (SpanTask).");
            case SEGMENTATION -> throw new DataException(train.name() + " is a table; a segmentation task is built from"
                    + " image/mask pairs (SegmentationTask).");
        };
    }

    /** The positive class and decision threshold of {@code options}, which need a two-class task. */
    private static ClassificationTask binaryChoices(ClassificationTask task, TaskOptions options) {
        if ((options.positiveLabel() != null || options.decisionThreshold().wanted()) && task.outputWidth() != 2) {
            throw new DataException("a positive label or decision threshold needs two classes, but the training data has "
                    + task.outputWidth() + ": " + task.outputNames() + ". Leave them out for this data.");
        }
        if (options.positiveLabel() != null) {
            task = task.withPositiveLabel(options.positiveLabel());
        }
        return task.withDecisionThreshold(options.decisionThreshold());
    }

    /** {@link #forTraining(DatasetSplits, TaskOptions)} with {@link TaskOptions#defaults()}. */
    public static Task forTraining(DatasetSplits splits) {
        return forTraining(splits, TaskOptions.defaults());
    }

    /** The gold targets of {@code data} as {@code task} encodes them. */
    public static Targets targets(Task task, TextDataset data) {
        return targets(task, data.targetColumn());
    }

    /** The gold targets of a target column (texts or images) as {@code task} encodes them. */
    public static Targets targets(Task task, TargetColumn data) {
        if (task.kind() != data.task()) {
            throw new DataException(data.name() + " has " + data.format() + " targets, but the model's task is "
                    + task.kind().key() + ". Read the data with the model's task (targets).");
        }
        return switch (task.kind()) {
            case CLASSIFICATION -> task.encode(data.raw());
            case MULTI_LABEL -> ((MultiLabelTask) task).encodeNames(data.labelLists());
            case REGRESSION -> new Targets.Values(data.values());
            case TOKEN_CLASSIFICATION -> throw new DataException(data.name() + " is a table; token targets are tagged"
                    + " sentences (Targets.Tokens).");
            case QUESTION_ANSWERING -> throw new DataException(data.name() + " is a table; answer targets are spans of"
                    + " contexts (Targets.Spans).");
            case SEGMENTATION -> throw new DataException(data.name() + " is a table; segmentation targets are masks"
                    + " (Targets.Masks).");
        };
    }

    /**
     * The task of a saved model.
     *
     * @param kind        the manifest's task kind
     * @param outputNames the manifest's labels
     * @param settings    the manifest's task settings ({@link Task#settings()}); empty for most classifiers
     */
    public static Task restore(TaskKind kind, List<String> outputNames, Map<String, Object> settings) {
        return switch (kind) {
            case CLASSIFICATION -> ClassificationTask.restore(outputNames, settings);
            case MULTI_LABEL -> MultiLabelTask.restore(outputNames, settings);
            case REGRESSION -> RegressionTask.restore(outputNames, settings);
            case TOKEN_CLASSIFICATION -> TokenTask.restore(outputNames, settings);
            case QUESTION_ANSWERING -> SpanTask.restore(outputNames, settings);
            case SEGMENTATION -> SegmentationTask.restore(outputNames, settings);
        };
    }

    /** The class labels of a classification training set (for callers that still speak of a {@link LabelMap}). */
    static LabelMap labels(DatasetSplits splits) {
        return splits.labelMap();
    }
}
