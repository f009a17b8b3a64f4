package dev.graft.api;

import dev.graft.artifact.GraftModel;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DataOptions;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.model.text.TextModels;
import dev.graft.run.EvaluationResult;
import dev.graft.run.EvaluationRun;
import dev.graft.run.BackboneRankingRun;
import dev.graft.run.ComparisonRequest;
import dev.graft.run.ComparisonResult;
import dev.graft.run.AdaptationRequest;
import dev.graft.run.DomainAdaptationResult;
import dev.graft.run.DomainAdaptationRun;
import dev.graft.run.FewShotRequest;
import dev.graft.run.FewShotResult;
import dev.graft.run.FewShotRun;
import dev.graft.run.LrFinderRequest;
import dev.graft.run.LrFinderRun;
import dev.graft.run.PretrainingRequest;
import dev.graft.run.PretrainingResult;
import dev.graft.run.PretrainingRun;
import dev.graft.run.ExportRequest;
import dev.graft.run.ExportResult;
import dev.graft.run.ExportRun;
import dev.graft.run.RankingRequest;
import dev.graft.run.RankingResult;
import dev.graft.run.RunListener;
import dev.graft.run.StrategyComparisonRun;
import dev.graft.run.TrainingRequest;
import dev.graft.serve.ServingModel;
import dev.graft.run.TrainingResult;
import dev.graft.run.TrainingRun;
import dev.graft.run.TuningListener;
import dev.graft.run.TuningRequest;
import dev.graft.run.TuningResult;
import dev.graft.run.TuningRun;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.training.LrFinder;
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
 *
 * <p>Named-entity recognition and extractive question answering are the same call on tagged sentences (CoNLL or JSON
 * Lines) or questions (SQuAD JSON or JSON Lines):
 *
 * <pre>{@code
 * Graft.train(TrainingRequest.of(Path.of("train.conll"), Path.of("ner")).task(TaskKind.TOKEN_CLASSIFICATION)
 *         .testFile(Path.of("test.conll")).strategy("fine-tune").epochs(1)).close();
 * EvaluationResult scores = Graft.evaluate(Path.of("ner"), Path.of("test.conll"));
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
     * Scores the saved model in {@code modelDir} on labelled data as {@code graft evaluate} does: rows with the
     * model's target column, tagged sentences for a token-classification model, questions with answers for a
     * question-answering model (the format taken from the file).
     */
    public static EvaluationResult evaluate(Path modelDir, Path data) {
        return EvaluationRun.evaluate(modelDir, data, DataOptions.defaults(), true, RunListener.SILENT);
    }

    /**
     * Compares the transfer strategies as {@code graft compare} does: feature extraction, fine-tuning, LoRA (text) and
     * fine-tuning from random weights on the same splits, measured on the task's figure, and the recommendation rule.
     */
    public static ComparisonResult compare(ComparisonRequest request) throws Exception {
        return StrategyComparisonRun.run(request, RunListener.SILENT);
    }

    /** As {@link #compare(ComparisonRequest)}, telling {@code listener} of progress, epochs and notes. */
    public static ComparisonResult compare(ComparisonRequest request, RunListener listener) throws Exception {
        return StrategyComparisonRun.run(request, listener);
    }

    /**
     * Searches training settings as {@code graft tune} does: trials on the validation split, stored in the study
     * directory (an interrupted study resumes), the best trial's model saved to {@code STUDY/best-model}, the default
     * settings trained once more for comparison, and the search recorded as one tracking run unless the training
     * request says otherwise.
     */
    public static TuningResult tune(TuningRequest request) throws IOException {
        return TuningRun.run(request, TuningListener.SILENT);
    }

    /** As {@link #tune(TuningRequest)}, telling {@code listener} of each trial, progress and notes. */
    public static TuningResult tune(TuningRequest request, TuningListener listener) throws IOException {
        return TuningRun.run(request, listener);
    }

    /**
     * Ranks candidate backbones by LogME of their frozen features for the data's task, as {@code graft rank} does
     * (optionally training a feature-extraction head on each to check the order).
     */
    public static RankingResult rank(RankingRequest request) {
        return BackboneRankingRun.run(request, RunListener.SILENT);
    }

    /** As {@link #rank(RankingRequest)}, telling {@code listener} of progress. */
    public static RankingResult rank(RankingRequest request, RunListener listener) {
        return BackboneRankingRun.run(request, listener);
    }

    /** The learning-rate range test with its suggestion, as {@code graft lr-find} does (text data). */
    public static LrFinder.Result findLearningRate(LrFinderRequest request) {
        return LrFinderRun.run(request, RunListener.SILENT);
    }

    /** As {@link #findLearningRate(LrFinderRequest)}, telling {@code listener} of progress. */
    public static LrFinder.Result findLearningRate(LrFinderRequest request, RunListener listener) {
        return LrFinderRun.run(request, listener);
    }

    /**
     * Continues masked-language-model pre-training of a text encoder on the request's texts, as {@code graft pretrain}
     * does, and saves the adapted encoder as a backbone directory that {@link TrainingRequest#model} accepts.
     */
    public static PretrainingResult pretrain(PretrainingRequest request) throws IOException {
        return PretrainingRun.run(request, RunListener.SILENT);
    }

    /** As {@link #pretrain(PretrainingRequest)}, telling {@code listener} of the texts, progress and epochs. */
    public static PretrainingResult pretrain(PretrainingRequest request, RunListener listener) throws IOException {
        return PretrainingRun.run(request, listener);
    }

    /**
     * Writes a trained model in another form, as {@code graft export} does: an ONNX graph (optionally int8, checked on
     * labelled data), the Transformers layout, a PEFT adapter, or LoRA merged into a plain model directory.
     */
    public static ExportResult export(ExportRequest request) {
        return ExportRun.run(request, RunListener.SILENT);
    }

    /** As {@link #export(ExportRequest)}, telling {@code listener} of each step and of notes and warnings. */
    public static ExportResult export(ExportRequest request, RunListener listener) {
        return ExportRun.run(request, listener);
    }

    /**
     * Unsupervised domain adaptation as {@code graft adapt} does: a classifier on a frozen backbone trained on labelled
     * source data with coral, mmd, dann or source-only, scored on labelled target data when given, saved with
     * {@code metrics.json} and a report, the run recorded unless the request says otherwise. The caller closes the result.
     */
    public static DomainAdaptationResult adapt(AdaptationRequest request) throws IOException {
        return DomainAdaptationRun.run(request, RunListener.SILENT);
    }

    /** As {@link #adapt(AdaptationRequest)}, telling {@code listener} of progress, epochs and notes. */
    public static DomainAdaptationResult adapt(AdaptationRequest request, RunListener listener) throws IOException {
        return DomainAdaptationRun.run(request, listener);
    }

    /**
     * Few-shot classification by class prototypes as {@code graft fewshot} does: episodic N-way K-shot accuracy with its
     * 95% interval (optionally after episodic fine-tuning on other classes), or the support set classifying the queries.
     */
    public static FewShotResult fewShot(FewShotRequest request) {
        return FewShotRun.run(request, RunListener.SILENT);
    }

    /** As {@link #fewShot(FewShotRequest)}, telling {@code listener} of progress and notes. */
    public static FewShotResult fewShot(FewShotRequest request, RunListener listener) {
        return FewShotRun.run(request, listener);
    }

    /**
     * {@code graft auto}: the best model inside {@code request}'s time limit (text classification, multi-label or
     * regression; image classification): a speed probe, LogME ranking, feature extraction (on a subsample when all the
     * data does not fit), fine-tuning trials by TPE, {@code graft compare}'s rule; saved with a report of every
     * candidate. The same data, limit, seed and recorded speed factor give the same plan.
     */
    public static dev.graft.run.auto.AutoResult auto(dev.graft.run.auto.AutoRequest request) throws IOException {
        return dev.graft.run.auto.AutoRun.run(request, dev.graft.run.auto.AutoListener.SILENT);
    }

    /** Loads a saved model directory for prediction. */
    public static TextClassifier load(Path modelDir) {
        return TextClassifier.load(modelDir);
    }

    /**
     * Loads a saved model directory (or exported {@code .onnx} file) to predict a few inputs a call, as {@code graft
     * serve} loads it ({@link ServingModel}): a fine-tuned or LoRA text model becomes one graph on ONNX Runtime, checked
     * against the model, which answers one text about three times as soon as {@link #load} does; any other model is
     * loaded as it is, in its serving precision. Predict with {@link GraftModel#predictBatch}; for files and large
     * batches {@link #load} is the faster choice.
     */
    public static GraftModel loadForServing(Path model) {
        return ServingModel.load(model).model();
    }
}
