package dev.graft.task;

import dev.graft.data.DataException;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
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
        TextDataset train = splits.train();
        return switch (splits.task()) {
            case CLASSIFICATION -> {
                ClassificationTask task = ClassificationTask.of(splits.labelMap());
                if (options.balancedClassWeights()) {
                    int[] classes = ((Targets.Classes) task.encode(raw(train))).classes();
                    task = task.withClassWeights(ClassificationTask.balancedWeights(classes, task.outputWidth()));
                }
                yield task;
            }
            case MULTI_LABEL -> new MultiLabelTask(splits.labelMap().labels(), train.targets().separator(), null);
            case REGRESSION -> RegressionTask.fit(options.targetName(), ((Targets.Values) RegressionTask.values(train)).values(),
                    options.huberDelta());
        };
    }

    /** {@link #forTraining(DatasetSplits, TaskOptions)} with {@link TaskOptions#defaults()}. */
    public static Task forTraining(DatasetSplits splits) {
        return forTraining(splits, TaskOptions.defaults());
    }

    /** The gold targets of {@code data} as {@code task} encodes them. */
    public static Targets targets(Task task, TextDataset data) {
        if (task.kind() != data.task()) {
            throw new DataException(data.name() + " has " + data.targets() + " targets, but the model's task is "
                    + task.kind().key() + ". Read the data with the model's task (targets).");
        }
        return switch (task.kind()) {
            case CLASSIFICATION -> task.encode(raw(data));
            case MULTI_LABEL -> ((MultiLabelTask) task).encodeNames(data.examples().stream()
                    .map(e -> data.targets().labelsOf(e.label(), data.source().displayName() + " line " + e.line())).toList());
            case REGRESSION -> RegressionTask.values(data);
        };
    }

    /**
     * The task of a saved model.
     *
     * @param kind        the manifest's task kind
     * @param outputNames the manifest's labels
     * @param settings    the manifest's task settings ({@link Task#settings()}); empty for classification
     */
    public static Task restore(TaskKind kind, List<String> outputNames, Map<String, Object> settings) {
        return switch (kind) {
            case CLASSIFICATION -> new ClassificationTask(outputNames, null);
            case MULTI_LABEL -> MultiLabelTask.restore(outputNames, settings);
            case REGRESSION -> RegressionTask.restore(outputNames, settings);
        };
    }

    /** The raw target text of every example. */
    static List<String> raw(TextDataset data) {
        return data.examples().stream().map(TextExample::label).toList();
    }

    /** The class labels of a classification training set (for callers that still speak of a {@link LabelMap}). */
    static LabelMap labels(DatasetSplits splits) {
        return splits.labelMap();
    }
}
