package dev.graft.selection;

import dev.graft.data.qa.SquadQuestion;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TaggedPredictions;
import dev.graft.metrics.EntityMetrics;
import dev.graft.metrics.SquadMetrics;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The standard error of one figure of a task's metrics on an evaluation set, by the nonparametric bootstrap (Efron and
 * Tibshirani 1993, ch. 6): the evaluation examples are resampled with replacement {@code resamples} times with a fixed
 * seed, the figure is recomputed on each resample with the task's own scoring, and the standard deviation of those
 * figures is the standard error. Works for any figure of classification, multi-label and regression tasks (F1, mAP,
 * RMSE, correlations), whose errors have no simple closed form. Resamples on which the figure is undefined (a constant
 * side of a correlation) are left out. Written by hand: a few lines over {@link Task#score}, which a statistics library
 * would not know. Named-entity recognition resamples sentences ({@link #entityError}) and question answering questions
 * ({@link #squadError}).
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
        return resampled(outputs.length, seed, resamples, idx -> {
            float[][] rows = new float[idx.length][];
            for (int i = 0; i < idx.length; i++) {
                rows[i] = outputs[idx[i]];
            }
            return task.score(rows, select(gold, idx)).value(metric);
        });
    }

    /**
     * The bootstrap standard error of an entity figure of named-entity recognition ({@link EntityMetrics}): the
     * sentences are resampled, and the figure is recomputed from the resampled sentences' entity counts (entity F1 is a
     * ratio of counts over all sentences, not a mean over them).
     *
     * @param predictions the gold and predicted tags of the scored sentences
     * @param metric      the figure's name in {@link EntityMetrics.Scores#values()} (e.g. {@code micro_f1})
     * @param seed        seeds the resampling
     * @param resamples   how many resamples (at least 2)
     * @return the standard error, or NaN when fewer than two resamples define the figure
     */
    public static double entityError(TaggedPredictions predictions, String metric, long seed, int resamples) {
        List<List<Tag>> gold = predictions.gold();
        List<List<Tag>> predicted = predictions.predicted();
        return resampled(gold.size(), seed, resamples, idx -> {
            List<List<Tag>> g = new ArrayList<>(idx.length);
            List<List<Tag>> p = new ArrayList<>(idx.length);
            for (int i : idx) {
                g.add(gold.get(i));
                p.add(predicted.get(i));
            }
            return EntityMetrics.score(g, p).value(metric);
        });
    }

    /**
     * The bootstrap standard error of a SQuAD figure ({@code squad_f1} or {@code squad_exact}, means over questions):
     * the questions are resampled and the figure is the mean of the resampled questions' own scores
     * ({@link SquadMetrics#evaluate} of each question alone).
     *
     * @param questions the scored questions
     * @param answers   the answer text given to each ({@code ""}: no answer), in the same order
     * @param metric    {@code squad_f1} or {@code squad_exact}
     * @param seed      seeds the resampling
     * @param resamples how many resamples (at least 2)
     * @return the standard error, or NaN when fewer than two resamples define the figure
     */
    public static double squadError(List<SquadQuestion> questions, List<String> answers, String metric, long seed, int resamples) {
        if (questions.size() != answers.size()) {
            throw new IllegalArgumentException(questions.size() + " questions but " + answers.size() + " answers");
        }
        if (!metric.equals(SquadMetrics.Scores.F1) && !metric.equals(SquadMetrics.Scores.EXACT)) {
            throw new IllegalArgumentException("a bootstrap over questions covers " + SquadMetrics.Scores.F1 + " and "
                    + SquadMetrics.Scores.EXACT + ", not " + metric);
        }
        double[] each = new double[questions.size()];
        for (int i = 0; i < each.length; i++) {
            SquadQuestion q = questions.get(i);
            each[i] = SquadMetrics.evaluate(List.of(q), Map.of(q.id(), answers.get(i))).value(metric);
        }
        return resampled(each.length, seed, resamples, idx -> {
            double sum = 0;
            for (int i : idx) {
                sum += each[i];
            }
            return sum / idx.length;
        });
    }

    /**
     * The standard deviation of {@code figure} over {@code resamples} resamples (with replacement, seeded) of the
     * indices {@code 0..n-1}, leaving out resamples where it is undefined.
     */
    private static double resampled(int n, long seed, int resamples, ToDoubleFunction<int[]> figure) {
        if (resamples < 2) {
            throw new IllegalArgumentException("resamples must be at least 2, got " + resamples);
        }
        if (n == 0) {
            return Double.NaN;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double sum = 0;
        double sumSq = 0;
        int defined = 0;
        for (int b = 0; b < resamples; b++) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = random.nextInt(n);
            }
            double v = figure.applyAsDouble(idx);
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
