package dev.graft.metrics;

import java.util.Arrays;

/**
 * True and false positive counts at every distinct score, from the highest score down: entry {@code k} counts the
 * examples whose score is {@code >= thresholds[k]}. This is scikit-learn's {@code _binary_clf_curve}: one point per
 * distinct score, so tied scores enter together.
 */
final class ThresholdCounts {

    /** The distinct scores, descending. */
    final double[] thresholds;
    /** True positives among examples scoring at least {@code thresholds[k]}. */
    final long[] tps;
    /** False positives among examples scoring at least {@code thresholds[k]}. */
    final long[] fps;
    /** All positives. */
    final long positives;
    /** All negatives. */
    final long negatives;

    private ThresholdCounts(double[] thresholds, long[] tps, long[] fps, long positives, long negatives) {
        this.thresholds = thresholds;
        this.tps = tps;
        this.fps = fps;
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * Counts positives and negatives above each distinct score.
     *
     * @param gold   true class of each example ({@code true} = positive)
     * @param scores score of each example, higher = more positive; finite
     * @param what   how to name the scores in messages, e.g. {@code "scores"} or {@code "scores of label 'joy'"}
     * @return the counts
     * @throws IllegalArgumentException if the arrays are null, empty, of different lengths, or a score is not finite
     */
    static ThresholdCounts of(boolean[] gold, double[] scores, String what) {
        if (gold == null || scores == null) {
            throw new IllegalArgumentException("gold and " + what + " must not be null");
        }
        if (gold.length != scores.length) {
            throw new IllegalArgumentException("gold has " + gold.length + " entries but " + what + " has "
                    + scores.length + "; pass one score per example");
        }
        if (gold.length == 0) {
            throw new IllegalArgumentException("no examples: gold and " + what + " are empty");
        }
        int p = 0;
        for (boolean g : gold) {
            p += g ? 1 : 0;
        }
        double[] pos = new double[p];
        double[] neg = new double[gold.length - p];
        int ip = 0, in = 0;
        for (int i = 0; i < gold.length; i++) {
            double s = scores[i];
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException(what + "[" + i + "] is " + s + "; scores must be finite");
            }
            if (gold[i]) {
                pos[ip++] = s;
            } else {
                neg[in++] = s;
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        double[] thr = new double[gold.length];
        long[] tp = new long[gold.length];
        long[] fp = new long[gold.length];
        int k = 0;
        int i = pos.length - 1, j = neg.length - 1;
        long t = 0, f = 0;
        while (i >= 0 || j >= 0) {
            double v = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
            while (i >= 0 && pos[i] == v) {
                t++;
                i--;
            }
            while (j >= 0 && neg[j] == v) {
                f++;
                j--;
            }
            thr[k] = v;
            tp[k] = t;
            fp[k] = f;
            k++;
        }
        return new ThresholdCounts(Arrays.copyOf(thr, k), Arrays.copyOf(tp, k), Arrays.copyOf(fp, k), p,
                gold.length - p);
    }

    /** @return the number of distinct scores */
    int size() {
        return thresholds.length;
    }
}
