package dev.graft.selection;

import dev.graft.data.DatasetSplits;
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
import dev.graft.tracking.PeakMemory;
import dev.graft.training.TrainingListener;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Runs several transfer strategies on the same splits, one after another in this process, and
 * measures each: accuracy and macro-F1, wall time, trainable parameters and peak memory (the
 * process's peak RSS, reset before each run where the kernel allows).
 */
public final class StrategyComparison {

    private StrategyComparison() {
    }

    /**
     * The text runs: feature extraction, fine-tuning and LoRA ({@link PeftSpec#lora()}; named {@code lora}, as the
     * strategy of {@code graft train}) of {@code backbone}, and the fine-tuning recipe started from random weights of the
     * same architecture (the baseline).
     * LoRA uses {@code ft}'s settings except the learning rate of its updates: {@code lrBackbone} when the user gave one,
     * else {@link PeftSpec#DEFAULT_LEARNING_RATE} (not full fine-tuning's top-layer rate, which is ten times too small for
     * weights that start at zero).
     *
     * @param lrBackbone the backbone learning rate the user chose, if any
     */
    public static List<StrategyRun> textRuns(TextModelSpec backbone, DatasetSplits splits, FeatureExtractionConfig fe,
                                             FineTuneConfig ft, OptionalDouble lrBackbone, Progress progress,
                                             List<TrainingListener> listeners) {
        FineTuneConfig lora = ft.withBackboneLr(lrBackbone.orElse(PeftSpec.DEFAULT_LEARNING_RATE), ft.layerDecay());
        return List.of(
                StrategyRun.pretrained(FeatureExtraction.NAME, () -> text(new FeatureExtraction(fe).fit(backbone, splits, progress, listeners))),
                StrategyRun.pretrained(FineTuning.NAME, () -> text(new FineTuning(ft).fit(backbone, splits, progress, listeners, null, 1, false))),
                StrategyRun.pretrained(PeftMethod.LORA.key(), () -> text(new FineTuning(lora, PeftSpec.lora())
                        .fit(backbone, splits, progress, listeners, null, 1, false))),
                StrategyRun.baseline("random-init " + FineTuning.NAME, () -> text(new FineTuning(ft)
                        .fit(TextModelVariants.randomInit(backbone), splits, progress, listeners, null, 1, false))));
    }

    /**
     * The image runs: as {@link #textRuns} without LoRA (CNNs have no LoRA), with {@link ImageTransfer}'s strategies and
     * the CNN fine-tuning recipe.
     */
    public static List<StrategyRun> imageRuns(ImageBackbone backbone, ImageSplits splits, FeatureExtractionConfig fe, FineTuneConfig ft,
                                              Augmentation augmentation, int workers, Progress progress,
                                              List<TrainingListener> listeners) {
        return List.of(
                StrategyRun.pretrained(FeatureExtraction.NAME, () -> image(ImageTransfer.featureExtraction(backbone, splits, fe, workers,
                        progress, listeners))),
                StrategyRun.pretrained(FineTuning.NAME, () -> image(ImageTransfer.fineTune(backbone, splits, ft, augmentation, workers,
                        listeners))),
                StrategyRun.baseline("random-init " + FineTuning.NAME, () -> image(ImageTransfer.fineTune(backbone.randomInit(), splits, ft,
                        augmentation, workers, listeners))));
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
                    o.fit().bestEpoch(), o.fit().history().size()));
        }
        return results;
    }

    private static StrategyRun.Outcome text(TrainingOutcome outcome) {
        try (outcome) {
            return new StrategyRun.Outcome(outcome.fit(), outcome.classification(), outcome.classificationTest());
        }
    }

    private static StrategyRun.Outcome image(ImageTrainingOutcome outcome) {
        try (outcome) {
            return new StrategyRun.Outcome(outcome.fit(), outcome.classification(), outcome.classificationTest());
        }
    }
}
