package dev.graft.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well scores rank the positives of a binary task above its negatives, with scikit-learn's definitions:
 * ROC-AUC as {@code roc_auc_score} (tied scores count half), PR-AUC as {@code average_precision_score} (step-wise, no
 * interpolation: {@code AP = Σ (R_k − R_{k−1}) P_k} over the distinct scores, highest first), and both curves for
 * plotting. Every curve has one point per distinct score, so tied scores move together.
 *
 * @param positives        number of positive examples
 * @param negatives        number of negative examples
 * @param rocAuc           area under the ROC curve
 * @param averagePrecision average precision (the PR-AUC)
 * @param roc              the ROC curve
 * @param precisionRecall  the precision-recall curve
 */
public record RankingMetrics(long positives, long negatives, double rocAuc, double averagePrecision, RocCurve roc,
        PrecisionRecallCurve precisionRecall) {

    /**
     * The ROC curve as scikit-learn's {@code roc_curve(drop_intermediate=False)} returns it: a first point
     * {@code (0, 0)} at threshold {@code +∞} (scikit-learn from 1.3 on; 1.2 used {@code max score + 1}), then one
     * point per distinct score, descending; an example is predicted positive when its score is {@code >=} the
     * threshold.
     *
     * @param fpr        false positive rate at each threshold, non-decreasing from 0 to 1
     * @param tpr        true positive rate at each threshold, non-decreasing from 0 to 1
     * @param thresholds the thresholds, decreasing
     */
    public record RocCurve(double[] fpr, double[] tpr, double[] thresholds) {
        /** Keeps copies. */
        public RocCurve {
            fpr = fpr.clone();
            tpr = tpr.clone();
            thresholds = thresholds.clone();
        }

        /** @return a copy of the false positive rates */
        @Override
        public double[] fpr() {
            return fpr.clone();
        }

        /** @return a copy of the true positive rates */
        @Override
        public double[] tpr() {
            return tpr.clone();
        }

        /** @return a copy of the thresholds */
        @Override
        public double[] thresholds() {
            return thresholds.clone();
        }

        /** @return {fpr, tpr, thresholds} as lists ({@code thresholds[0]} is {@code Infinity}) */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fpr", list(fpr));
            m.put("tpr", list(tpr));
            m.put("thresholds", list(thresholds));
            return m;
        }
    }

    /**
     * The precision-recall curve as scikit-learn's {@code precision_recall_curve} returns it: one point per distinct
     * score, lowest score first, then a last point {@code (precision 1, recall 0)} that has no threshold; so
     * {@code thresholds} is one shorter than {@code precision} and {@code recall}. Precision at a threshold nothing
     * reaches does not occur (every distinct score is reached by the example that has it).
     *
     * @param precision  precision at each threshold, then 1
     * @param recall     recall at each threshold (non-increasing), then 0
     * @param thresholds the distinct scores, increasing
     */
    public record PrecisionRecallCurve(double[] precision, double[] recall, double[] thresholds) {
        /** Keeps copies. */
        public PrecisionRecallCurve {
            precision = precision.clone();
            recall = recall.clone();
            thresholds = thresholds.clone();
        }

        /** @return a copy of the precisions */
        @Override
        public double[] precision() {
            return precision.clone();
        }

        /** @return a copy of the recalls */
        @Override
        public double[] recall() {
            return recall.clone();
        }

        /** @return a copy of the thresholds */
        @Override
        public double[] thresholds() {
            return thresholds.clone();
        }

        /** @return {precision, recall, thresholds} as lists */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", list(precision));
            m.put("recall", list(recall));
            m.put("thresholds", list(thresholds));
            return m;
        }
    }

    /**
     * Scores a binary ranking.
     *
     * @param gold   true class of each example, {@code true} = positive; both classes must occur
     * @param scores score of each example (a probability or any finite real), higher = more positive
     * @return ROC-AUC, average precision and both curves
     * @throws IllegalArgumentException if lengths differ, the input is empty, a score is not finite, or only one
     *                                  class occurs (ROC-AUC is then undefined, as in scikit-learn)
     */
    public static RankingMetrics of(boolean[] gold, double[] scores) {
        ThresholdCounts c = ThresholdCounts.of(gold, scores, "scores");
        requireBothClasses(c);
        RocCurve roc = roc(c);
        PrecisionRecallCurve pr = precisionRecall(c);
        return new RankingMetrics(c.positives, c.negatives, area(roc), averagePrecision(c), roc, pr);
    }

    /**
     * ROC-AUC alone.
     *
     * @param gold   true classes; both must occur
     * @param scores scores, higher = more positive
     * @return the area under the ROC curve, 0.5 for uninformative scores
     * @throws IllegalArgumentException as {@link #of}
     */
    public static double rocAuc(boolean[] gold, double[] scores) {
        ThresholdCounts c = ThresholdCounts.of(gold, scores, "scores");
        requireBothClasses(c);
        return area(roc(c));
    }

    /**
     * Average precision alone.
     *
     * @param gold   true classes; at least one positive
     * @param scores scores, higher = more positive
     * @return the average precision, in (0, 1]
     * @throws IllegalArgumentException if there is no positive (scikit-learn then warns and returns a meaningless
     *                                  value) or the input is malformed
     */
    public static double averagePrecision(boolean[] gold, double[] scores) {
        ThresholdCounts c = ThresholdCounts.of(gold, scores, "scores");
        if (c.positives == 0) {
            throw new IllegalArgumentException("average precision needs at least one positive example in gold");
        }
        return averagePrecision(c);
    }

    /** @return AP over counts with at least one positive */
    static double averagePrecision(ThresholdCounts c) {
        double ap = 0;
        long prevTp = 0;
        for (int k = 0; k < c.size(); k++) {
            long tp = c.tps[k];
            if (tp != prevTp) {
                double precision = (double) tp / (tp + c.fps[k]);
                ap += (double) (tp - prevTp) / c.positives * precision;
                prevTp = tp;
            }
        }
        return ap;
    }

    /** @return {roc_auc, average_precision, positives, negatives, roc: {...}, precision_recall: {...}} */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roc_auc", rocAuc);
        m.put("average_precision", averagePrecision);
        m.put("positives", positives);
        m.put("negatives", negatives);
        m.put("roc", roc.toMap());
        m.put("precision_recall", precisionRecall.toMap());
        return m;
    }

    private static RocCurve roc(ThresholdCounts c) {
        int n = c.size() + 1;
        double[] fpr = new double[n];
        double[] tpr = new double[n];
        double[] thr = new double[n];
        thr[0] = Double.POSITIVE_INFINITY;
        for (int k = 0; k < c.size(); k++) {
            fpr[k + 1] = (double) c.fps[k] / c.negatives;
            tpr[k + 1] = (double) c.tps[k] / c.positives;
            thr[k + 1] = c.thresholds[k];
        }
        return new RocCurve(fpr, tpr, thr);
    }

    private static PrecisionRecallCurve precisionRecall(ThresholdCounts c) {
        int n = c.size();
        double[] precision = new double[n + 1];
        double[] recall = new double[n + 1];
        double[] thr = new double[n];
        for (int k = 0; k < n; k++) {
            int at = n - 1 - k;
            long predicted = c.tps[k] + c.fps[k];
            precision[at] = predicted == 0 ? 0 : (double) c.tps[k] / predicted;
            recall[at] = (double) c.tps[k] / c.positives;
            thr[at] = c.thresholds[k];
        }
        precision[n] = 1;
        recall[n] = 0;
        return new PrecisionRecallCurve(precision, recall, thr);
    }

    private static double area(RocCurve roc) {
        double a = 0;
        double[] x = roc.fpr, y = roc.tpr;
        for (int k = 1; k < x.length; k++) {
            a += (x[k] - x[k - 1]) * (y[k] + y[k - 1]) / 2;
        }
        return a;
    }

    private static void requireBothClasses(ThresholdCounts c) {
        if (c.positives == 0 || c.negatives == 0) {
            throw new IllegalArgumentException("gold holds only " + (c.positives == 0 ? "negatives" : "positives")
                    + "; ROC-AUC needs both classes");
        }
    }

    private static List<Double> list(double[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (double x : v) {
            out.add(x);
        }
        return out;
    }
}
