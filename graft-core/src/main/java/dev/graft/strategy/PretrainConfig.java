package dev.graft.strategy;

import dev.graft.util.Arguments;
import dev.graft.training.DiscriminativeLr;
import dev.graft.training.LrSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingPlan;
import dev.graft.training.optim.OptimizerSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of continued masked-language-model pre-training; validated and immutable.
 *
 * @param maskProbability share of non-special tokens chosen as targets (BERT: 0.15)
 * @param epochs          passes over the training texts
 * @param batchSize       texts per step
 * @param learningRate    peak AdamW learning rate of the encoder (embeddings, the tied output table and every layer)
 * @param headLearningRate peak AdamW learning rate of the MLM head's transform and output bias. A head that starts
 *                        random (MiniLM-style checkpoints ship none) learns too slowly at the encoder's rate, and the
 *                        encoder meanwhile trains on the gradients of a near-random head
 * @param weightDecay     decoupled weight decay (not on biases and norms)
 * @param warmup          linear warm-up fraction of the steps, then linear decay to zero
 * @param maxGradNorm     gradient clipping at this global norm (0 = off)
 * @param dropout         encoder dropout while training
 * @param valFraction     share of the texts held out to measure the masked-token loss each epoch
 * @param maxLength       tokens per text (longer texts are truncated), at most the model's maximum
 * @param seed            seeds the split, the batch order, masking, dropout and the head's initialisation
 */
public record PretrainConfig(double maskProbability, int epochs, int batchSize, double learningRate, double headLearningRate,
                             double weightDecay, double warmup, double maxGradNorm, double dropout, double valFraction, int maxLength, long seed) {

    /** Validates the fields the training settings do not check themselves. */
    public PretrainConfig {
        if (!(maskProbability > 0 && maskProbability < 1)) {
            throw new IllegalArgumentException(Arguments.name("maskProbability") + " must be in (0, 1), got " + maskProbability);
        }
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException(Arguments.name("valFraction") + " must be in (0, 1), got " + valFraction);
        }
        if (maxLength < 8) {
            throw new IllegalArgumentException(Arguments.name("maxLength") + " must be at least 8 tokens, got " + maxLength);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(Arguments.name("dropout") + " must be in [0, 1), got " + dropout);
        }
        if (!(headLearningRate > 0)) {
            throw new IllegalArgumentException(Arguments.name("headLearningRate") + " must be > 0, got " + headLearningRate);
        }
        trainConfig(epochs, batchSize, learningRate, weightDecay, warmup, seed); // validates those
        new OptimizerSpec(OptimizerSpec.Kind.ADAMW, 0, maxGradNorm);
    }

    /** Default {@link #headLearningRate}: 20 × the encoder's default rate. */
    public static final double DEFAULT_HEAD_LR = 1e-3;

    /**
     * BERT's 15% masking; 1 epoch, batch 16, AdamW 5e-5 (head {@value #DEFAULT_HEAD_LR}), wd 0.01, 6% warm-up, clip 1.0,
     * dropout 0.1, 5% held out, 128 tokens, seed 42.
     */
    public static PretrainConfig defaults() {
        return new PretrainConfig(0.15, 1, 16, 5e-5, DEFAULT_HEAD_LR, 0.01, 0.06, 1.0, 0.1, 0.05, 128, TrainConfig.DEFAULT_SEED);
    }

    /** These settings with {@code value} passes over the texts. */
    public PretrainConfig withEpochs(int value) {
        return new PretrainConfig(maskProbability, value, batchSize, learningRate, headLearningRate, weightDecay, warmup,
                maxGradNorm, dropout, valFraction, maxLength, seed);
    }

    /** These settings with {@code value} texts per step. */
    public PretrainConfig withBatchSize(int value) {
        return new PretrainConfig(maskProbability, epochs, value, learningRate, headLearningRate, weightDecay, warmup,
                maxGradNorm, dropout, valFraction, maxLength, seed);
    }

    /** These settings with the encoder's peak learning rate {@code value}. */
    public PretrainConfig withLearningRate(double value) {
        return new PretrainConfig(maskProbability, epochs, batchSize, value, headLearningRate, weightDecay, warmup,
                maxGradNorm, dropout, valFraction, maxLength, seed);
    }

    /** These settings with {@code value} of the tokens masked. */
    public PretrainConfig withMaskProbability(double value) {
        return new PretrainConfig(value, epochs, batchSize, learningRate, headLearningRate, weightDecay, warmup,
                maxGradNorm, dropout, valFraction, maxLength, seed);
    }

    /** These settings with texts cut to {@code value} tokens. */
    public PretrainConfig withMaxLength(int value) {
        return new PretrainConfig(maskProbability, epochs, batchSize, learningRate, headLearningRate, weightDecay, warmup,
                maxGradNorm, dropout, valFraction, value, seed);
    }

    /** These settings with seed {@code value}. */
    public PretrainConfig withSeed(long value) {
        return new PretrainConfig(maskProbability, epochs, batchSize, learningRate, headLearningRate, weightDecay, warmup,
                maxGradNorm, dropout, valFraction, maxLength, value);
    }

    /**
     * The loop's settings: no early stopping; the epoch with the lowest held-out masked-token loss is kept. Its rate is
     * the head's, which the schedule scales; the encoder's groups run at {@link #learningRate} through {@link #plan()}.
     */
    public TrainConfig trainConfig() {
        return trainConfig(epochs, batchSize, headLearningRate, weightDecay, warmup, seed);
    }

    private static TrainConfig trainConfig(int epochs, int batchSize, double lr, double wd, double warmup, long seed) {
        return new TrainConfig(epochs, batchSize, lr, wd, 0, Monitor.LOSS, 0, seed, LrSchedule.warmupLinear(warmup));
    }

    /** AdamW over every parameter (grouped decay), with clipping; the head at {@link #headLearningRate}, the encoder at {@link #learningRate}. */
    public TrainingPlan plan() {
        return new TrainingPlan(new OptimizerSpec(OptimizerSpec.Kind.ADAMW, 0, maxGradNorm), null,
                new DiscriminativeLr(headLearningRate, learningRate, 1.0, weightDecay), 0, false);
    }

    /** Every setting by name, for {@code pretraining.json} and checkpoint fingerprints. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("objective", "masked-lm (BERT 80/10/10 masking, loss on masked tokens only)");
        m.put("mask_prob", maskProbability);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("optimizer", "adamw");
        m.put("lr", learningRate);
        m.put("head_lr", headLearningRate);
        m.put("weight_decay", weightDecay);
        m.put("schedule", "linear");
        m.put("warmup", warmup);
        m.put("max_grad_norm", maxGradNorm);
        m.put("dropout", dropout);
        m.put("val_fraction", valFraction);
        m.put("max_length", maxLength);
        m.put("seed", seed);
        return m;
    }
}
