package dev.graft.strategy;

import dev.graft.model.head.ClassifierHead;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.training.DenseBatches;
import dev.graft.training.FitResult;
import dev.graft.training.Learner;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingListener;
import java.util.List;
import java.util.function.Function;

/**
 * Trains the head on frozen features, the one step feature extraction shares across modalities: solved in closed
 * form with cross-validated regularisation ({@link ClosedFormHead}) when the configuration asks for it and the head
 * allows it, else by gradient descent through the {@link Learner}.
 */
final class FrozenHeadTraining {

    private FrozenHeadTraining() {
    }

    /**
     * @param outputs the head's activated outputs for features (scores validation after a closed-form solve)
     * @return the fit, its history reported to {@code listeners} either way
     */
    static FitResult fit(ClassifierHead head, Task task, float[][] trainX, Targets trainY, float[][] valX, Targets valY,
                         FeatureExtractionConfig config, List<TrainingListener> listeners,
                         Function<float[][], float[][]> outputs) {
        TrainConfig training = TaskTraining.config(config.training(), task);
        if (config.closedFormHead() && ClosedFormHead.applies(task, config.hiddenUnits())) {
            FitResult fit = ClosedFormHead.fit(head, task, trainX, trainY, valX, valY, training, outputs);
            listeners.forEach(l -> l.onEpochEnd(fit.history().get(0)));
            return fit;
        }
        Learner learner = new Learner(head, head, training, config.plan(), task, listeners);
        return learner.fit(new DenseBatches(trainX, trainY), new DenseBatches(valX, valY));
    }
}
