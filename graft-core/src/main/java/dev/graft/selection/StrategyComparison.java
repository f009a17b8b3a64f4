package dev.graft.selection;

import dev.graft.data.DatasetSplits;
import dev.graft.data.TextDataset;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageSplits;
import dev.graft.model.peft.PeftMethod;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModelVariants;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.ImageTransfer;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.tracking.PeakMemory;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Runs several transfer strategies on the same splits, one after another in this process, and
 * measures each: the task's metrics, wall time, trainable parameters and peak memory (the
 * process's peak RSS, reset before each run where the kernel allows), and, when the compared figure is not accuracy,
 * its bootstrap standard error on the scored split ({@link BootstrapError}, from the kept model's outputs on that split).
 */
public final class StrategyComparison {

    private StrategyComparison() {
    }

    /**
     * How the runs are scored: the compared figure and the seed of its bootstrap.
     *
     * @param metric the figure decisions are made on
     * @param seed   seeds the bootstrap resampling
     */
    public record Scoring(ComparedMetric metric, long seed) {
    }

    /**
     * The text runs: feature extraction, fine-tuning and LoRA ({@link PeftSpec#lora()}; named {@code lora}, as the
     * strategy of {@code graft train}) of {@code backbone}, and the fine-tuning recipe started from random weights of the
     * same architecture (the baseline), each training {@code task}.
     * LoRA uses {@code ft}'s settings except the learning rate of its updates: {@code lrBackbone} when the user gave one,
     * else {@link PeftSpec#DEFAULT_LEARNING_RATE} (not full fine-tuning's top-layer rate, which is ten times too small for
     * weights that start at zero).
     *
     * @param lrBackbone the backbone learning rate the user chose, if any
     */
    public static List<StrategyRun> textRuns(TextModelSpec backbone, DatasetSplits splits, Task task, FeatureExtractionConfig fe,
                                             FineTuneConfig ft, OptionalDouble lrBackbone, Scoring scoring, Progress progress,
                                             List<TrainingListener> listeners) {
        FineTuneConfig lora = ft.withBackboneLr(lrBackbone.orElse(PeftSpec.DEFAULT_LEARNING_RATE), ft.layerDecay());
        return List.of(
                StrategyRun.pretrained(FeatureExtraction.NAME, () -> text(new FeatureExtraction(fe).fit(backbone, splits, task, progress,
                        listeners), splits, scoring)),
                StrategyRun.pretrained(FineTuning.NAME, () -> text(new FineTuning(ft).fit(backbone, splits, task, progress, listeners,
                        null, 1, false), splits, scoring)),
                StrategyRun.pretrained(PeftMethod.LORA.key(), () -> text(new FineTuning(lora, PeftSpec.lora())
                        .fit(backbone, splits, task, progress, listeners, null, 1, false), splits, scoring)),
                StrategyRun.baseline("random-init " + FineTuning.NAME, () -> text(new FineTuning(ft)
                        .fit(TextModelVariants.randomInit(backbone), splits, task, progress, listeners, null, 1, false), splits, scoring)));
    }

    /**
     * The image runs: as {@link #textRuns} without LoRA (CNNs have no LoRA), with {@link ImageTransfer}'s strategies and
     * the CNN fine-tuning recipe.
     */
    public static List<StrategyRun> imageRuns(ImageBackbone backbone, ImageSplits splits, Task task, FeatureExtractionConfig fe,
                                              FineTuneConfig ft, Augmentation augmentation, boolean trainBatchNorm, int workers,
                                              Scoring scoring, Progress progress, List<TrainingListener> listeners) {
        return List.of(
                StrategyRun.pretrained(FeatureExtraction.NAME, () -> image(ImageTransfer.featureExtraction(backbone, splits, task, fe,
                        workers, progress, listeners), splits, scoring)),
                StrategyRun.pretrained(FineTuning.NAME, () -> image(ImageTransfer.fineTune(backbone, splits, task, ft, augmentation,
                        trainBatchNorm, workers, listeners, null, 1, false), splits, scoring)),
                StrategyRun.baseline("random-init " + FineTuning.NAME, () -> image(ImageTransfer.fineTune(backbone.randomInit(), splits,
                        task, ft, augmentation, trainBatchNorm, workers, listeners, null, 1, false), splits, scoring)));
    }

    /**
     * Runs each entry in order and measures it.
     *
     * @param onStart called with each run's name before it starts (progress output)
     */
    public static List<RunResult> run(List<StrategyRun> runs, Consumer<String> onStart) throws Exception {
        List<RunResult> results = new ArrayList<>();
        for (StrategyRun r : runs) {
            onStart.accept(r.name());
            System.gc();
            boolean reset = PeakMemory.reset();
            long t0 = System.nanoTime();
            StrategyRun.Outcome o = r.body().run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double peak = PeakMemory.measure().mebibytes();
            results.add(new RunResult(r.name(), r.baseline(), o.validation(), o.test(), seconds, o.fit().best().trainable(), peak, reset,
                    o.fit().bestEpoch(), o.fit().history().size(), o.standardError()));
        }
        return results;
    }

    private static StrategyRun.Outcome text(TrainingOutcome outcome, DatasetSplits splits, Scoring scoring) {
        try (outcome) {
            double se = Double.NaN;
            if (scoring.metric().bootstrapped()) {
                TextDataset scored = outcome.test().isPresent() ? splits.test().orElseThrow() : splits.val();
                Task task = outcome.classifier().task();
                se = BootstrapError.standardError(task, outcome.classifier().probabilities(scored, Progress.NONE),
                        Tasks.targets(task, scored), scoring.metric().name(), scoring.seed(), BootstrapError.DEFAULT_RESAMPLES);
            }
            return new StrategyRun.Outcome(outcome.fit(), outcome.validation(), outcome.test(), se);
        }
    }

    private static StrategyRun.Outcome image(ImageTrainingOutcome outcome, ImageSplits splits, Scoring scoring) {
        try (outcome) {
            double se = Double.NaN;
            if (scoring.metric().bootstrapped()) {
                ImageDataset scored = outcome.test().isPresent() ? splits.test().orElseThrow() : splits.val();
                Task task = outcome.classifier().task();
                float[][] outputs = outcome.classifier().probabilities(scored.examples().stream().map(ImageExample::file).toList());
                se = BootstrapError.standardError(task, outputs, Tasks.targets(task, scored.targetColumn()), scoring.metric().name(),
                        scoring.seed(), BootstrapError.DEFAULT_RESAMPLES);
            }
            return new StrategyRun.Outcome(outcome.fit(), outcome.validation(), outcome.test(), se);
        }
    }
}
