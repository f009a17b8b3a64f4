package dev.graft.run;

import dev.graft.data.DatasetSplits;
import dev.graft.data.image.ImageDataReader;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.training.LrFinder;
import dev.graft.util.Arguments;

/**
 * The learning-rate range test, as {@code graft lr-find} runs it and a Java caller gets it in one call
 * ({@code Graft.findLearningRate}): checks the strategy's settings, reads the training data, resolves the text model,
 * and sweeps the rate with the request's strategy (the head on frozen features, or the fine-tuned encoder, LoRA or
 * adapters); the same seed gives the same suggestion.
 */
public final class LrFinderRun {

    private LrFinderRun() {
    }

    /** Runs the sweep {@code request} describes. */
    public static LrFinder.Result run(LrFinderRequest request, RunListener listener) {
        TrainingRequest r = request.training();
        TrainingStrategy strategy = r.resolveStrategy();
        TrainingRun.checkStrategySettings(r);
        TrainingRun.checkSplitSettings(r, false); // the sweep uses training data only
        TrainingRun.checkDevice(r, listener);
        LrFinder finder = request.finder();
        if (ImageDataReader.isImageData(r.trainFile)) {
            throw new IllegalArgumentException("The learning-rate range test runs on text data so far, but "
                    + Arguments.name("trainFile") + " " + r.trainFile + " holds images; the image recipes come with their rates,"
                    + " and a search (TuningRun) can tune them.");
        }
        DatasetSplits splits = TrainingRun.readSplits(r, listener);
        TrainingRun.describe(splits, listener);
        TextModelSpec backbone = TrainingRun.resolveTextModel(r.model, listener);
        return strategy.trainsBackbone() ? r.fineTuning().findLearningRate(backbone, splits, finder)
                : new FeatureExtraction(r.featureExtractionConfig()).findLearningRate(backbone, splits, finder, listener.progress());
    }
}
