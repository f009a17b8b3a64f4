package dev.graft.training;

import dev.graft.util.Arguments;

/**
 * How to train: validated and immutable; change a field with its {@code withX} copy.
 *
 * @param epochs       maximum epochs
 * @param batchSize    examples per optimiser step
 * @param learningRate base learning rate
 * @param weightDecay  decoupled weight decay (not applied to biases and norms)
 * @param patience     epochs without improvement before stopping; 0 disables early stopping
 * @param monitor      validation metric that picks the best epoch
 * @param minDelta     smallest change that counts as an improvement
 * @param seed         seeds shuffling, dropout and initialisation
 * @param schedule     learning-rate schedule
 */
public record TrainConfig(int epochs, int batchSize, double learningRate, double weightDecay, int patience,
                          Monitor monitor, double minDelta, long seed, LrSchedule schedule) {

    /** Default maximum epochs for a head on frozen features. */
    public static final int DEFAULT_EPOCHS = 50;
    /** Default examples per step. */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /** Default AdamW learning rate for a head on frozen features (measured best of 1e-3, 3e-3, 1e-2). */
    public static final double DEFAULT_LEARNING_RATE = 1e-2;
    /** Default decoupled weight decay. */
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;
    /** Default early-stopping patience in epochs. */
    public static final int DEFAULT_PATIENCE = 8;
    /** Default seed. */
    public static final long DEFAULT_SEED = 42;

    /** Validates every field and names the one that is wrong. */
    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException(Arguments.name("epochs") + " must be ≥ 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(Arguments.name("batchSize") + " must be ≥ 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException(Arguments.name("weightDecay") + " must be a number ≥ 0, got " + weightDecay);
        }
        if (patience < 0) {
            throw new IllegalArgumentException(Arguments.name("patience") + " must be ≥ 0 (0 = no early stopping), got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be ≥ 0, got " + minDelta);
        }
        java.util.Objects.requireNonNull(monitor, "monitor");
        java.util.Objects.requireNonNull(schedule, "schedule");
    }

    /** Defaults for training a head on frozen features: up to 50 epochs, batch 32, AdamW 1e-2, wd 0.01, patience 8 on macro-F1 (ties broken by validation loss), seed 42. */
    public static TrainConfig defaults() {
        return new TrainConfig(DEFAULT_EPOCHS, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, DEFAULT_WEIGHT_DECAY, DEFAULT_PATIENCE,
                Monitor.MACRO_F1, 1e-4, DEFAULT_SEED, LrSchedule.constant());
    }

    /**
     * Copy with the settings a user gave explicitly; {@code null} keeps this config's value (so a
     * strategy's own defaults survive options the user did not set).
     */
    public TrainConfig overriding(Integer epochs, Double learningRate, Integer batchSize, Integer patience) {
        return new TrainConfig(epochs != null ? epochs : this.epochs, batchSize != null ? batchSize : this.batchSize,
                learningRate != null ? learningRate : this.learningRate, weightDecay, patience != null ? patience : this.patience,
                monitor, minDelta, seed, schedule);
    }

    /** Copy with another epoch budget. */
    public TrainConfig withEpochs(int v) {
        return new TrainConfig(v, batchSize, learningRate, weightDecay, patience, monitor, minDelta, seed, schedule);
    }

    /** Copy with another batch size. */
    public TrainConfig withBatchSize(int v) {
        return new TrainConfig(epochs, v, learningRate, weightDecay, patience, monitor, minDelta, seed, schedule);
    }

    /** Copy with another learning rate. */
    public TrainConfig withLearningRate(double v) {
        return new TrainConfig(epochs, batchSize, v, weightDecay, patience, monitor, minDelta, seed, schedule);
    }

    /** Copy with another weight decay. */
    public TrainConfig withWeightDecay(double v) {
        return new TrainConfig(epochs, batchSize, learningRate, v, patience, monitor, minDelta, seed, schedule);
    }

    /** Copy with another patience. */
    public TrainConfig withPatience(int v) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, v, monitor, minDelta, seed, schedule);
    }

    /** Copy monitoring another metric. */
    public TrainConfig withMonitor(Monitor v) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, patience, v, minDelta, seed, schedule);
    }

    /** Copy with another seed. */
    public TrainConfig withSeed(long v) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, patience, monitor, minDelta, v, schedule);
    }

    /** Copy with another schedule. */
    public TrainConfig withSchedule(LrSchedule v) {
        return new TrainConfig(epochs, batchSize, learningRate, weightDecay, patience, monitor, minDelta, seed, v);
    }
}
