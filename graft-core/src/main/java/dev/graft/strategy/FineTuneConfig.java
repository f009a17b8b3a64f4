package dev.graft.strategy;

import dev.graft.model.Precision;
import dev.graft.training.DiscriminativeLr;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.LrSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingPlan;
import dev.graft.training.optim.OptimizerSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of fine-tuning: which layers train when, their learning rates, the optimiser and
 * schedule. {@link #defaults()} is the recipe that works without tuning.
 *
 * @param training      epochs, batch size, head learning rate (the base rate), weight decay, early stopping, seed, and
 *                      the learning-rate schedule with its warm-up (the only place the schedule is kept)
 * @param backboneLr    learning rate of the top backbone layer group
 * @param layerDecay    learning-rate factor per layer group going down (1 = none)
 * @param freeze        which layer groups train in each epoch
 * @param optimizer     optimiser and gradient clipping
 * @param l2sp          L2-SP strength toward the pretrained weights (0 = off)
 * @param hiddenUnits   head hidden layer (0 = linear head)
 * @param dropout       head and encoder dropout
 * @param precision     number format of the encoder's linear maps (parameters, optimiser state and loss stay float32)
 */
public record FineTuneConfig(TrainConfig training, double backboneLr, double layerDecay, FreezeSchedule freeze,
                             OptimizerSpec optimizer, double l2sp, int hiddenUnits, double dropout, Precision precision) {

    /** Validates what the records it holds do not. */
    public FineTuneConfig {
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(freeze, "freeze");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(precision, "precision");
        new DiscriminativeLr(training.learningRate(), backboneLr, layerDecay, training.weightDecay());
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (hiddenUnits < 0) {
            throw new IllegalArgumentException("hidden units must be ≥ 0, got " + hiddenUnits);
        }
    }

    /**
     * The default recipe: every layer unfrozen, head at 1e-3, top encoder layer at 1e-4 with
     * layer-wise decay 0.9 below it, AdamW (weight decay 0.01, none on biases and norms), 10%
     * linear warm-up then linear decay, gradients clipped at norm 1, batch 16, 4 epochs with the
     * best epoch kept, float32 throughout.
     */
    public static FineTuneConfig defaults() {
        TrainConfig t = TrainConfig.defaults().withEpochs(4).withBatchSize(16).withLearningRate(1e-3).withPatience(2)
                .withMonitor(Monitor.MACRO_F1).withSchedule(LrSchedule.warmupLinear(LrSchedule.DEFAULT_WARMUP));
        return new FineTuneConfig(t, 1e-4, 0.9, FreezeSchedule.all(), OptimizerSpec.adamWClipped(), 0, 0, 0.1, Precision.FP32);
    }

    /** The learner plan this config describes. */
    public TrainingPlan plan() {
        return new TrainingPlan(optimizer, freeze,
                new DiscriminativeLr(training.learningRate(), backboneLr, layerDecay, training.weightDecay()), l2sp, true);
    }

    /** Copy with other training settings, the schedule included. */
    public FineTuneConfig withTraining(TrainConfig v) {
        return new FineTuneConfig(v, backboneLr, layerDecay, freeze, optimizer, l2sp, hiddenUnits, dropout, precision);
    }

    /** Copy with another learning-rate schedule (kept in {@link #training()}). */
    public FineTuneConfig withSchedule(LrSchedule v) {
        return withTraining(training.withSchedule(v));
    }

    /** Copy with other backbone learning rates. */
    public FineTuneConfig withBackboneLr(double lr, double decay) {
        return new FineTuneConfig(training, lr, decay, freeze, optimizer, l2sp, hiddenUnits, dropout, precision);
    }

    /** Copy with another freeze schedule. */
    public FineTuneConfig withFreeze(FreezeSchedule v) {
        return new FineTuneConfig(training, backboneLr, layerDecay, v, optimizer, l2sp, hiddenUnits, dropout, precision);
    }

    /** Copy with another optimiser. */
    public FineTuneConfig withOptimizer(OptimizerSpec v) {
        return new FineTuneConfig(training, backboneLr, layerDecay, freeze, v, l2sp, hiddenUnits, dropout, precision);
    }

    /** Copy with L2-SP strength {@code v}. */
    public FineTuneConfig withL2sp(double v) {
        return new FineTuneConfig(training, backboneLr, layerDecay, freeze, optimizer, v, hiddenUnits, dropout, precision);
    }

    /** Copy with another head shape. */
    public FineTuneConfig withHead(int hidden, double drop) {
        return new FineTuneConfig(training, backboneLr, layerDecay, freeze, optimizer, l2sp, hidden, drop, precision);
    }

    /** Copy with the encoder's linear maps in {@code v}. */
    public FineTuneConfig withPrecision(Precision v) {
        return new FineTuneConfig(training, backboneLr, layerDecay, freeze, optimizer, l2sp, hiddenUnits, dropout, v);
    }

    /** Every setting by name, for provenance, tracking and checkpoint fingerprints. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", training.epochs());
        m.put("batch_size", training.batchSize());
        m.put("lr_head", training.learningRate());
        m.put("lr_backbone", backboneLr);
        m.put("layer_decay", layerDecay);
        m.put("weight_decay", training.weightDecay());
        m.put("schedule", training.schedule().name());
        m.put("warmup", training.schedule().warmup());
        m.put("freeze", freeze.describe());
        m.put("optimizer", optimizer.key());
        m.put("max_grad_norm", optimizer.maxGradNorm());
        m.put("l2sp", l2sp);
        m.put("head_hidden_units", hiddenUnits);
        m.put("dropout", dropout);
        m.put("patience", training.patience());
        m.put("monitor", training.monitor().key());
        m.put("seed", training.seed());
        m.put("precision", precision.key());
        return m;
    }
}
