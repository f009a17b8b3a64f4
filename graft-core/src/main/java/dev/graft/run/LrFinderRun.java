package dev.graft.run;

import dev.graft.data.DatasetSplits;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageSplits;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTransfer;
import dev.graft.task.Task;
import dev.graft.training.LrFinder;

/**
 * The learning-rate range test, as {@code graft lr-find} runs it and a Java caller gets it in one call
 * ({@code Graft.findLearningRate}): checks the strategy's settings, reads the training data (text, or images as a
 * training run reads them), resolves the model, and sweeps the rate with the request's strategy (the head on frozen
 * features, or the fine-tuned encoder or CNN, LoRA or adapters for text); the same seed gives the same suggestion.
 */
public final class LrFinderRun {

    private LrFinderRun() {
    }

    /** Runs the sweep {@code request} describes. */
    public static LrFinder.Result run(LrFinderRequest request, RunListener listener) {
        TrainingRequest r = request.training();
        SequenceTaskRun.refuse(r.task(), "the learning-rate range test");
        TrainingStrategy strategy = r.resolveStrategy();
        TrainingRun.checkStrategySettings(r);
        TrainingRun.checkSplitSettings(r, false); // the sweep uses training data only
        TrainingRun.checkDevice(r, listener);
        LrFinder finder = request.finder();
        if (ImageDataReader.isImageData(r.trainFile)) {
            if (!strategy.supportsImages()) {
                throw strategy.refuseImages();
            }
            ImageBackbone backbone = TrainingRun.resolveImageModel(r);
            ImageSplits splits = TrainingRun.readImageSplits(r, listener);
            Task task = ImageTransfer.task(splits, r.taskOptions());
            return strategy.trainsBackbone()
                    ? ImageTransfer.findLearningRate(backbone, splits, task, r.imageFineTuneConfig(), Augmentation.parse(r.augment),
                            r.trainBn, finder, r.imageThreads())
                    : ImageTransfer.findLearningRateFrozen(backbone, splits, task, r.imageFeatureExtractionConfig(), finder,
                            r.imageThreads(), listener.progress());
        }
        DatasetSplits splits = TrainingRun.readSplits(r, listener);
        TrainingRun.describe(splits, listener);
        TextModelSpec backbone = TrainingRun.resolveTextModel(r.model, listener);
        return strategy.trainsBackbone() ? r.fineTuning().findLearningRate(backbone, splits, finder)
                : new FeatureExtraction(r.featureExtractionConfig()).on(r.trainingDevice()).findLearningRate(backbone, splits, finder, listener.progress());
    }
}
