package dev.graft.run;

import dev.graft.data.DatasetSplits;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageSplits;
import dev.graft.model.text.TextModelSpec;
import dev.graft.selection.ComparedMetric;
import dev.graft.selection.Recommendation;
import dev.graft.selection.RunResult;
import dev.graft.selection.StrategyComparison;
import dev.graft.selection.StrategyRun;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTransfer;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.util.Arguments;
import dev.graft.data.TaskKind;
import dev.graft.metrics.TaskMetrics;
import dev.graft.model.peft.PeftMethod;
import dev.graft.selection.BootstrapError;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.strategy.TokenClassification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.OptionalDouble;

/**
 * A comparison of transfer strategies, as {@code graft compare} runs it and a Java caller gets it in one call
 * ({@code Graft.compare}): reads the data (text or images) and builds the task, then trains feature extraction,
 * fine-tuning, LoRA (text) and fine-tuning from random weights (the no-transfer baseline) on the same splits with the
 * request's settings, measures each ({@link StrategyComparison}) and applies the recommendation rule
 * ({@link Recommendation}) on the task's compared figure ({@link ComparedMetric}: accuracy, multi-label macro-F1,
 * regression RMSE, or the one named). The training settings given ({@code epochs}, {@code learningRate}, ...) apply to
 * the gradient-trained runs; feature extraction keeps its closed-form head unless {@code headSolver} gradient is chosen.
 */
public final class StrategyComparisonRun {

    private StrategyComparisonRun() {
    }

    /** Runs the comparison {@code request} describes, telling {@code listener} of progress (each run's name as a summary). */
    public static ComparisonResult run(ComparisonRequest request, RunListener listener) throws Exception {
        TrainingRequest r = request.training();
        TrainingRun.checkSplitSettings(r, true);
        TrainingRun.checkDevice(r, listener);
        if (SequenceTaskRun.handles(r.task())) {
            return sequence(request, listener);
        }
        Task task;
        List<StrategyRun> runs;
        int trainSize;
        ComparedMetric metric;
        if (ImageDataReader.isImageData(r.trainFile)) {
            String name = r.model == null || TrainingRequest.DEFAULT_TEXT_MODEL.equals(r.model) ? TrainingRequest.DEFAULT_IMAGE_MODEL : r.model;
            ImageBackbone backbone = ImageInputs.backbone(name, r.imageSize);
            ImageSplits splits = ImageInputs.splits(r, listener::message);
            listener.summary(String.format("images: train %d, val %d%s; backbone %s (%s)", splits.train().size(), splits.val().size(),
                    splits.test().map(t -> ", test " + t.size()).orElse(""), backbone.id(), backbone.preprocessing()));
            task = ImageTransfer.task(splits, r.taskOptions());
            metric = metric(request, task);
            trainSize = splits.train().size();
            runs = StrategyComparison.imageRuns(backbone, splits, task, r.comparedImageFeatureExtractionConfig(), r.imageFineTuneConfig(),
                    Augmentation.parse(r.augment), r.trainBn, Math.max(1, Math.min(2, r.imageThreads())),
                    new StrategyComparison.Scoring(metric, r.seed), listener.progress(), listener.epochs());
        } else {
            DatasetSplits splits = TrainingRun.readSplits(r, listener);
            TrainingRun.describe(splits, listener);
            task = Tasks.forTraining(splits, r.taskOptions());
            metric = metric(request, task);
            trainSize = splits.train().size();
            TextModelSpec backbone = TrainingRun.resolveTextModel(r.model, listener);
            TrainingRun.noteAutoPrecision(r, listener);
            runs = StrategyComparison.textRuns(backbone, splits, task, r.comparedFeatureExtractionConfig(), r.fineTuneConfig(),
                    r.lrBackbone == null ? OptionalDouble.empty() : OptionalDouble.of(r.lrBackbone),
                    new StrategyComparison.Scoring(metric, r.seed), listener.progress(), listener.epochs());
        }
        List<RunResult> results = StrategyComparison.run(selected(runs, request.runs()), name -> listener.summary("== " + name));
        return new ComparisonResult(results, Recommendation.of(results, trainSize, request.margin(), metric), metric, task.kind(),
                trainSize);
    }

    /**
     * Token classification and question answering: each strategy (feature extraction, fine-tuning, and LoRA for token
     * classification; question answering has no LoRA span head) is one {@link TrainingRun#run} of the request with that
     * strategy, its model written to a temporary directory that is deleted afterwards, and the bootstrap resamples the
     * kept model's scored sentences or questions. The sequence runs have no random-initialised backbone, so there is no
     * baseline row and no negative-transfer check (a note says so).
     */
    private static ComparisonResult sequence(ComparisonRequest request, RunListener listener) throws Exception {
        TrainingRequest r = request.training();
        TaskKind kind = r.task();
        ComparedMetric metric = request.metric() == null ? ComparedMetric.forKind(kind) : ComparedMetric.named(request.metric(), kind, false);
        List<String> strategies = kind == TaskKind.TOKEN_CLASSIFICATION
                ? List.of(FeatureExtraction.NAME, FineTuning.NAME, PeftMethod.LORA.key()) : List.of(FeatureExtraction.NAME, FineTuning.NAME);
        List<StrategyRun> runs = new ArrayList<>();
        int trainSize = SequenceTaskRun.trainExamples(r);
        Path scratch = Files.createTempDirectory("graft-compare");
        String strategy = r.strategyName();
        Path output = r.output;
        RunTracking tracking = r.tracking;
        boolean baselines = r.baselines;
        for (String name : strategies) {
            runs.add(StrategyRun.pretrained(name, () -> {
                r.strategy(name).output(scratch.resolve(name)).tracking(RunTracking.off()).baselines(false);
                try (TrainingResult result = TrainingRun.run(r, listener)) {
                    return sequenceOutcome(result.outcome(), metric, r.seed);
                }
            }));
        }
        listener.message("note: no random-init fine-tune baseline for " + kind.key() + ": its training run starts from the"
                + " pretrained backbone only, so the negative-transfer check is left out");
        try {
            List<RunResult> results = StrategyComparison.run(selected(runs, request.runs()), name -> listener.summary("== " + name));
            return new ComparisonResult(results, Recommendation.of(results, trainSize, request.margin(), metric), metric, kind,
                    trainSize);
        } finally {
            r.strategy(strategy).tracking(tracking).baselines(baselines);
            r.output = output;
            deleteTree(scratch);
        }
    }

    /** A sequence run's scores, with the bootstrap standard error of {@code metric} on its scored split. */
    private static StrategyRun.Outcome sequenceOutcome(dev.graft.strategy.RunResult outcome, ComparedMetric metric, long seed) {
        double se;
        if (outcome instanceof TokenClassification.Outcome tokens) {
            se = BootstrapError.entityError(tokens.errorAnalysis(), metric.name(), seed, BootstrapError.DEFAULT_RESAMPLES);
        } else if (outcome instanceof QuestionAnswering.Outcome questions) {
            QuestionAnswering.Answered answered = questions.answered();
            se = BootstrapError.squadError(answered.questions(), answered.answers().stream().map(a -> a.none() ? "" : a.text()).toList(),
                    metric.name(), seed, BootstrapError.DEFAULT_RESAMPLES);
        } else {
            throw new IllegalStateException("not a sequence run: " + outcome.getClass().getSimpleName());
        }
        return new StrategyRun.Outcome(outcome.fit(), outcome.validation(), outcome.test().map(t -> (TaskMetrics) t), se);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The runs named in {@code names} ({@code null}: all), refusing a name that is not one of them. */
    private static List<StrategyRun> selected(List<StrategyRun> runs, List<String> names) {
        if (names == null) {
            return runs;
        }
        List<String> available = runs.stream().map(StrategyRun::name).toList();
        for (String n : names) {
            if (!available.contains(n)) {
                throw new IllegalArgumentException("Unknown run '" + n + "' in " + Arguments.name("runs") + "; available: "
                        + String.join(", ", available) + ".");
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(Arguments.name("runs") + " needs at least one of " + String.join(", ", available) + ".");
        }
        return runs.stream().filter(r -> names.contains(r.name())).toList();
    }

    private static ComparedMetric metric(ComparisonRequest request, Task task) {
        return request.metric() == null ? ComparedMetric.forTask(task) : ComparedMetric.named(request.metric(), task);
    }
}
