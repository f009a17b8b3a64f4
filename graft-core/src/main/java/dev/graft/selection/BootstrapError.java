package dev.graft.selection;

import dev.graft.task.Targets;
import dev.graft.task.Task;
import java.util.SplittableRandom;

/**
 * The standard error of one figure of a task's metrics on an evaluation set, by the nonparametric bootstrap (Efron &
 * Tibshirani 1993, ch. 6): the evaluation examples are resampled with replacement {@code resamples} times with a fixed
 * seed, the figure is recomputed on each resample with the task's own scoring, and the standard deviation of those
 * figures is the standard error. Works for any figure of classification, multi-label and regression tasks (F1, mAP,
 * RMSE, correlations), whose errors have no simple closed form. Resamples on which the figure is undefined (a constant
 * side of a correlation) are left out. Written by hand: a few lines over {@link Task#score}, which a statistics library
 * would not know.
 */
public final class BootstrapError {

    /** Resamples used by comparisons: enough for a standard error to about 2% of its value. */
    public static final int DEFAULT_RESAMPLES = 1000;

    private BootstrapError() {
    }

    /**
     * The bootstrap standard error of {@code metric}.
     *
     * @param task      scores the outputs (its calibrated decisions included)
     * @param outputs   the task's activated outputs, one row per example
     * @param gold      the examples' gold targets (classes, label sets or values)
     * @param metric    the figure's name in the task's metrics
     * @param seed      seeds the resampling: the same seed gives the same error
     * @param resamples how many resamples (at least 2)
     * @return the standard error, or NaN when fewer than two resamples define the figure
     */
    public static double standardError(Task task, float[][] outputs, Targets gold, String metric, long seed, int resamples) {
        if (outputs.length != gold.size()) {
            throw new IllegalArgumentException(outputs.length + " output rows but " + gold.size() + " gold targets");
        }
        if (resamples < 2) {
            throw new IllegalArgumentException("resamples must be at least 2, got " + resamples);
        }
        int n = outputs.length;
        SplittableRandom random = new SplittableRandom(seed);
        double sum = 0;
        double sumSq = 0;
        int defined = 0;
        float[][] rows = new float[n][];
        int[] idx = new int[n];
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                idx[i] = random.nextInt(n);
                rows[i] = outputs[idx[i]];
            }
            double v = task.score(rows, select(gold, idx)).value(metric);
            if (Double.isFinite(v)) {
                sum += v;
                sumSq += v * v;
                defined++;
            }
        }
        if (defined < 2) {
            return Double.NaN;
        }
        double mean = sum / defined;
        return Math.sqrt(Math.max(0, (sumSq - defined * mean * mean) / (defined - 1)));
    }

    /** The targets at {@code idx}, in that order. */
    static Targets select(Targets gold, int[] idx) {
        if (gold instanceof Targets.Classes c) {
            int[] out = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                out[i] = c.classes()[idx[i]];
            }
            return new Targets.Classes(out);
        }
        if (gold instanceof Targets.LabelSets s) {
            boolean[][] out = new boolean[idx.length][];
            for (int i = 0; i < idx.length; i++) {
                out[i] = s.labels()[idx[i]];
            }
            return new Targets.LabelSets(out);
        }
        if (gold instanceof Targets.Values v) {
            double[] out = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                out[i] = v.values()[idx[i]];
            }
            return new Targets.Values(out);
        }
        throw new IllegalArgumentException("a bootstrap resamples whole examples of classification, multi-label or regression"
                + " data, not " + gold.getClass().getSimpleName());
    }
}
