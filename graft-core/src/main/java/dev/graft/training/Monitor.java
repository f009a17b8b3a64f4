package dev.graft.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The validation figure that decides the best epoch and early stopping: a metric name and its direction. Any figure
 * a task's metrics name ({@code macro_f1}, {@code micro_f1}, {@code map}, {@code pearson}, {@code rmse}, ...) can be
 * monitored; {@code loss} is the validation loss.
 */
public final class Monitor {

    /** Validation macro-averaged F1 (higher is better); the classification default, robust to class imbalance. */
    public static final Monitor MACRO_F1 = new Monitor("macro_f1", true);
    /** Validation accuracy (higher is better). */
    public static final Monitor ACCURACY = new Monitor("accuracy", true);
    /** Validation loss of the task (lower is better). */
    public static final Monitor LOSS = new Monitor("loss", false);

    private static final Map<String, Monitor> KNOWN = new LinkedHashMap<>();

    static {
        for (Monitor m : new Monitor[] {MACRO_F1, ACCURACY, LOSS,
                new Monitor("micro_f1", true), new Monitor("map", true), new Monitor("subset_accuracy", true),
                new Monitor("roc_auc", true), new Monitor("pr_auc", true),
                new Monitor("pearson", true), new Monitor("spearman", true), new Monitor("r2", true),
                new Monitor("rmse", false), new Monitor("mae", false), new Monitor("token_accuracy", true),
                new Monitor("squad_exact", true), new Monitor("squad_f1", true),
                new Monitor("mean_iou", true), new Monitor("foreground_dice", true), new Monitor("mean_dice", true)}) {
            KNOWN.put(m.key, m);
        }
    }

    private final String key;
    private final boolean higherIsBetter;

    private Monitor(String key, boolean higherIsBetter) {
        this.key = key;
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
     * Whether {@code candidate} equals {@code best} within {@code minDelta}. For accuracy and F1 on small validation
     * sets ties are common; the learner then prefers the lower validation loss. The loss itself never ties.
     */
    public boolean ties(double candidate, double best, double minDelta) {
        return this != LOSS && !Double.isNaN(best) && Math.abs(candidate - best) <= minDelta;
    }

    /** The figure this monitor reads from an epoch's log (NaN when the epoch's task has no such figure). */
    public double read(EpochLog log) {
        if (this == LOSS) {
            return log.valLoss();
        }
        if (this == ACCURACY) {
            return log.valAccuracy();
        }
        if (this == MACRO_F1) {
            return log.valMacroF1();
        }
        Double v = log.valMetrics().get(key);
        return v == null ? Double.NaN : v;
    }

    /** Whether a larger figure is better. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * Parses a metric name: {@code macro_f1} ({@code f1}), {@code accuracy} ({@code acc}), {@code loss}
     * ({@code val_loss}), {@code micro_f1}, {@code map}, {@code subset_accuracy}, {@code roc_auc}, {@code pr_auc},
     * {@code pearson}, {@code spearman}, {@code r2}, {@code rmse}, {@code mae}, {@code token_accuracy}, {@code squad_exact},
     * {@code squad_f1}, {@code mean_iou}, {@code foreground_dice}, {@code mean_dice}.
     *
     * @throws IllegalArgumentException naming the accepted metrics
     */
    @JsonCreator
    public static Monitor parse(String s) {
        String k = s.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        k = switch (k) {
            case "f1" -> "macro_f1";
            case "acc" -> "accuracy";
            case "val_loss" -> "loss";
            default -> k;
        };
        Monitor m = KNOWN.get(k);
        if (m == null) {
            throw new IllegalArgumentException("Unknown metric to monitor '" + s + "'; use " + String.join(", ", KNOWN.keySet()) + ".");
        }
        return m;
    }

    /** The snake_case name used in files. */
    @JsonValue
    public String key() {
        return key;
    }

    /** The key in upper case, as the former enum constant was named. */
    public String name() {
        return key.toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return key;
    }
}
