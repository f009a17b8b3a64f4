package dev.graft.strategy.segmentation;

import dev.graft.artifact.ImageSegmenter;
import dev.graft.data.image.masks.SegmentationSamples;
import dev.graft.metrics.SegmentationMetrics;
import dev.graft.training.BatchSource;
import dev.graft.training.Learner;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingListener;
import dev.graft.training.TrainingPlan;
import java.util.List;

/**
 * The shared {@link Learner} (loss from the task, batches of crops), validating each epoch as the saved model will
 * predict: every validation image whole or in overlapping tiles ({@link ImageSegmenter#score}), scored with
 * {@link SegmentationMetrics}; the validation loss is the pixel cross-entropy of the blended probabilities.
 */
final class SegmentationLearner extends Learner {

    private final ImageSegmenter model;
    private final SegmentationSamples validation;

    SegmentationLearner(ImageSegmenter model, SegmentationSamples validation, TrainConfig config, TrainingPlan plan,
                        List<TrainingListener> listeners) {
        super(model.net(), model.net(), config, plan, model.task(), listeners);
        this.model = model;
        this.validation = validation;
    }

    @Override
    protected Validation validate(BatchSource val) {
        float[][] probabilities = new float[validation.size()][];
        for (int i = 0; i < validation.size(); i++) {
            var gold = validation.mask(i);
            probabilities[i] = model.probabilities(validation.pixels(i), gold.width(), gold.height());
        }
        var targets = val.targets();
        SegmentationMetrics m = model.task().score(probabilities, targets);
        return new Validation(model.task().validationLoss(probabilities, targets), Double.NaN, Double.NaN, m.values());
    }
}
