package dev.graft.api;

import dev.graft.artifact.TextClassifier;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.model.text.TextModels;
import dev.graft.run.RunListener;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingResult;
import dev.graft.run.TrainingRun;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.util.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One-line entry points. Everything they do is reachable through the classes they call:
 * {@link TextDataReader}, {@link Splits}, {@link FeatureExtraction}, {@link FineTuning}, {@link TextClassifier}.
 *
 * <pre>{@code
 * try (TrainingOutcome run = Graft.featureExtraction("minilm", Path.of("train.csv"))) {
 *     run.classifier().predict("my card was charged twice");
 * }
 * }</pre>
 *
 * <p>The whole run of {@code graft train} — model directory with {@code metrics.json}, report, baselines, run tracking —
 * is {@link #train(TrainingRequest)}:
 *
 * <pre>{@code
 * try (TrainingResult r = Graft.train(TrainingRequest.of(Path.of("train.csv"), Path.of("my-model")).epochs(10))) {
 *     System.out.println(r.metrics().get("validation"));
 * }
 * }</pre>
 */
public final class Graft {

    /** Seed used when none is given. */
    public static final long DEFAULT_SEED = 42;

    private Graft() {
    }

    /**
     * Reads a labelled file, splits it 80/10/10 (stratified, seed 42) and trains a head on the
     * frozen model with default settings.
     */
    public static TrainingOutcome featureExtraction(String model, Path labelledFile) {
        DatasetSplits splits = Splits.stratified(TextDataReader.read(labelledFile), 0.1, 0.1, DEFAULT_SEED);
        return featureExtraction(model, splits, FeatureExtractionConfig.defaults());
    }

    /** Trains a head on the frozen model over prepared splits. */
    public static TrainingOutcome featureExtraction(String model, DatasetSplits splits, FeatureExtractionConfig config) {
        return new FeatureExtraction(config).fit(TextModels.resolve(model), splits, Progress.NONE, List.of());
    }

    /**
     * Fine-tunes the model with a new head over prepared splits (no checkpoints; use
     * {@link FineTuning#fit} directly for checkpointing and resume).
     */
    public static TrainingOutcome fineTune(String model, DatasetSplits splits, FineTuneConfig config) {
        return new FineTuning(config).fit(TextModels.resolve(model), splits, Progress.NONE, List.of(), null, 1, false);
    }

    /**
     * Trains, evaluates and saves a model as {@code graft train} does: the model directory with {@code metrics.json},
     * {@code report.html} and plots, the baselines, and the run recorded in {@code ./mlruns} unless the request says
     * otherwise. Text or images is decided by the training data. The caller closes the result.
     */
    public static TrainingResult train(TrainingRequest request) throws IOException {
        return TrainingRun.run(request, RunListener.SILENT);
    }

    /** As {@link #train(TrainingRequest)}, telling {@code listener} of progress, epochs and notes. */
    public static TrainingResult train(TrainingRequest request, RunListener listener) throws IOException {
        return TrainingRun.run(request, listener);
    }

    /**
     * {@code graft auto}: the best classifier inside {@code request}'s time limit (LogME ranking, closed-form feature
     * extraction, fine-tuning trials by TPE, {@code graft compare}'s rule), saved with a report of every candidate.
     */
    public static dev.graft.run.auto.AutoResult auto(dev.graft.run.auto.AutoRequest request) throws IOException {
        return dev.graft.run.auto.AutoRun.run(request, dev.graft.run.auto.AutoListener.SILENT);
    }

    /** Loads a saved model directory for prediction. */
    public static TextClassifier load(Path modelDir) {
        return TextClassifier.load(modelDir);
    }
}
