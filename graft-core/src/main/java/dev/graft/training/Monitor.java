package dev.graft.training;

import java.util.Locale;

/** The validation figure that decides the best epoch and early stopping. */
public enum Monitor {
    /** Validation macro-averaged F1 (higher is better); the default, robust to class imbalance. */
    MACRO_F1(true),
    /** Validation accuracy (higher is better). */
    ACCURACY(true),
    /** Validation cross-entropy (lower is better). */
    LOSS(false);

    private final boolean higherIsBetter;

    Monitor(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    /** Whether {@code candidate} beats {@code best} by more than {@code minDelta}. */
    public boolean improves(double candidate, double best, double minDelta) {
        if (Double.isNaN(best)) {
            return !Double.isNaN(candidate);
        }
        return higherIsBetter ? candidate > best + minDelta : candidate < best - minDelta;
    }

    /**
     * Whether {@code candidate} equals {@code best} within {@code minDelta}. For accuracy and F1 on
     * small validation sets ties are common; the learner then prefers the lower validation loss.
     */
    public boolean ties(double candidate, double best, double minDelta) {
        return this != LOSS && !Double.isNaN(best) && Math.abs(candidate - best) <= minDelta;
    }

    /** The figure this monitor reads from an epoch's log. */
    public double read(EpochLog log) {
        return switch (this) {
            case MACRO_F1 -> log.valMacroF1();
            case ACCURACY -> log.valAccuracy();
            case LOSS -> log.valLoss();
        };
    }

    /** Parses {@code macro_f1}, {@code accuracy} or {@code loss}. */
    public static Monitor parse(String s) {
        String k = s.toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (k) {
            case "macro_f1", "f1" -> MACRO_F1;
            case "accuracy", "acc" -> ACCURACY;
            case "loss", "val_loss" -> LOSS;
            default -> throw new IllegalArgumentException("Unknown metric to monitor '" + s + "'; use macro_f1, accuracy or loss.");
        };
    }

    /** The snake_case name used in files. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
