package dev.graft.metrics;

/**
 * Decision thresholds chosen on validation data. An example is predicted positive when its score is {@code >=} the
 * threshold.
 *
 * <p>Candidates are the midpoints between consecutive distinct scores, plus the lowest score itself (every example
 * positive), so each candidate splits the validation examples differently and a threshold never sits on a
 * validation score it was not meant to include. Among candidates that reach the same best value, the one closest to
 * {@value #DEFAULT_THRESHOLD} wins, and of two equally close the lower. The result depends only on the data.
 */
public final class ThresholdTuning {

    /** The threshold kept when the data cannot choose one (no positive, or no negative, for the binary search). */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** Metric values closer than this count as a tie (MCC goes through a square root). */
    private static final double TIE = 1e-12;

    private ThresholdTuning() {
    }

    /**
     * A chosen threshold.
     *
     * @param threshold the threshold; predict positive when {@code score >= threshold}
     * @param metric    the metric it was chosen for
     * @param value     the metric's value on the validation data at that threshold
     */
    public record Choice(double threshold, BinaryMetric metric, double value) {
    }

    /**
     * One threshold per label, each maximising that label's F1 on validation data. A label without positives keeps
     * {@value #DEFAULT_THRESHOLD}.
     *
     * @param gold   n × L true labels
     * @param scores n × L scores (probabilities), finite
     * @return L thresholds, usable as {@link MultiLabelMetrics#of}'s {@code thresholds}
     * @throws IllegalArgumentException if the matrices are empty, ragged or differ in shape, or a score is not finite
     */
    public static float[] perLabelF1(boolean[][] gold, float[][] scores) {
        int labels = MultiLabelMetrics.checkShape(gold, scores);
        float[] out = new float[labels];
        for (int l = 0; l < labels; l++) {
            boolean[] g = MultiLabelMetrics.column(gold, l);
            double[] s = MultiLabelMetrics.column(scores, l);
            ThresholdCounts c = ThresholdCounts.of(g, s, "scores of label " + l);
            out[l] = c.positives == 0 ? (float) DEFAULT_THRESHOLD : (float) best(c, BinaryMetric.F1).threshold();
        }
        return out;
    }

    /**
     * The single threshold that maximises {@code metric} on validation data for a binary task.
     *
     * @param gold   true class of each example
     * @param scores score of each example (the positive class's probability), finite
     * @param metric what to maximise
     * @return the threshold and the metric's value there; {@value #DEFAULT_THRESHOLD} when gold holds one class only
     * @throws IllegalArgumentException if the input is empty, lengths differ or a score is not finite
     */
    public static Choice binary(boolean[] gold, double[] scores, BinaryMetric metric) {
        ThresholdCounts c = ThresholdCounts.of(gold, scores, "scores");
        if (c.positives == 0 || c.negatives == 0) {
            long above = 0, abovePos = 0;
            for (int i = 0; i < scores.length; i++) {
                if (scores[i] >= DEFAULT_THRESHOLD) {
                    above++;
                    abovePos += gold[i] ? 1 : 0;
                }
            }
            long tp = abovePos, fp = above - abovePos, fn = c.positives - tp, tn = c.negatives - fp;
            return new Choice(DEFAULT_THRESHOLD, metric, metric.of(tp, fp, tn, fn));
        }
        return best(c, metric);
    }

    private static Choice best(ThresholdCounts c, BinaryMetric metric) {
        double bestValue = Double.NEGATIVE_INFINITY;
        double bestThreshold = DEFAULT_THRESHOLD;
        for (int k = 0; k < c.size(); k++) {
            long tp = c.tps[k], fp = c.fps[k];
            double v = metric.of(tp, fp, c.negatives - fp, c.positives - tp);
            double t = k + 1 < c.size() ? midpoint(c.thresholds[k], c.thresholds[k + 1]) : c.thresholds[k];
            if (v > bestValue + TIE || (v >= bestValue - TIE && closerToDefault(t, bestThreshold))) {
                bestValue = Math.max(v, bestValue);
                bestThreshold = t;
            }
        }
        return new Choice(bestThreshold, metric, bestValue);
    }

    /**
     * A threshold strictly above {@code lower} that admits {@code upper}; as a float, because thresholds are applied
     * to float scores: the float midpoint may round onto {@code lower}, and then {@code upper} itself is used.
     */
    private static double midpoint(double upper, double lower) {
        float m = (float) ((upper + lower) / 2);
        return m > lower && m <= upper ? m : upper;
    }

    private static boolean closerToDefault(double t, double incumbent) {
        double dt = Math.abs(t - DEFAULT_THRESHOLD), di = Math.abs(incumbent - DEFAULT_THRESHOLD);
        return dt < di || (dt == di && t < incumbent);
    }
}
