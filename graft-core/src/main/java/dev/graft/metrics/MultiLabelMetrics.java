package dev.graft.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Multi-label classification scores, each example carrying any subset of L labels, with scikit-learn's definitions:
 * micro and macro precision/recall/F1 as {@code precision_recall_fscore_support(average=..., zero_division=0)} on the
 * indicator matrices, subset accuracy as {@code accuracy_score} (exact match of the whole label set), Hamming loss as
 * {@code hamming_loss}, and per-label average precision as {@code average_precision_score} on each column.
 *
 * <p>Macro averages run over all L labels, a label without positives included (its recall and F1 are 0). The mean
 * average precision ({@link #meanAveragePrecision}) leaves out every label without a positive example, whose
 * average precision is undefined; {@link #labelsWithoutPositives} names them. A label is predicted when its score is
 * {@code >=} its threshold.
 *
 * @param n                      number of examples
 * @param labels                 label names, index = column
 * @param microPrecision         precision over all (example, label) decisions pooled
 * @param microRecall            recall over all decisions pooled
 * @param microF1                F1 over all decisions pooled
 * @param macroPrecision         mean of per-label precision
 * @param macroRecall            mean of per-label recall
 * @param macroF1                mean of per-label F1
 * @param meanAveragePrecision   mean of per-label average precision over labels with a positive; empty when none has
 * @param labelsWithoutPositives labels left out of the mean average precision
 * @param subsetAccuracy         fraction of examples whose predicted label set equals the true one
 * @param hammingLoss            fraction of (example, label) decisions that are wrong
 * @param perLabel               per-label scores, in label order
 */
public record MultiLabelMetrics(long n, List<String> labels, double microPrecision, double microRecall,
        double microF1, double macroPrecision, double macroRecall, double macroF1, OptionalDouble meanAveragePrecision,
        List<String> labelsWithoutPositives, double subsetAccuracy, double hammingLoss, List<LabelScores> perLabel) implements TaskMetrics {

    /** Copies the lists and checks ranges. */
    public MultiLabelMetrics {
        labels = List.copyOf(labels);
        labelsWithoutPositives = List.copyOf(labelsWithoutPositives);
        perLabel = List.copyOf(perLabel);
        Objects.requireNonNull(meanAveragePrecision, "meanAveragePrecision (use OptionalDouble.empty())");
        if (perLabel.size() != labels.size()) {
            throw new IllegalArgumentException("labels (" + labels.size() + ") and perLabel (" + perLabel.size()
                    + ") must agree in size");
        }
        ClassificationMetrics.checkUnit("microPrecision", microPrecision);
        ClassificationMetrics.checkUnit("microRecall", microRecall);
        ClassificationMetrics.checkUnit("microF1", microF1);
        ClassificationMetrics.checkUnit("macroPrecision", macroPrecision);
        ClassificationMetrics.checkUnit("macroRecall", macroRecall);
        ClassificationMetrics.checkUnit("macroF1", macroF1);
        ClassificationMetrics.checkUnit("subsetAccuracy", subsetAccuracy);
        ClassificationMetrics.checkUnit("hammingLoss", hammingLoss);
    }

    /**
     * Scores multi-label predictions.
     *
     * @param gold       n × L true labels ({@code gold[i][l]}: example i carries label l)
     * @param scores     n × L scores, typically per-label probabilities; finite
     * @param thresholds L thresholds: label l is predicted when {@code scores[i][l] >= thresholds[l]}
     * @param labelNames L unique label names
     * @return the metrics
     * @throws IllegalArgumentException if shapes disagree, a matrix is empty or ragged, a score or threshold is not
     *                                  finite, or names repeat
     */
    public static MultiLabelMetrics of(boolean[][] gold, float[][] scores, float[] thresholds,
            List<String> labelNames) {
        int labels = checkShape(gold, scores);
        checkNames(labelNames, labels);
        if (thresholds == null || thresholds.length != labels) {
            throw new IllegalArgumentException("thresholds has " + (thresholds == null ? "no" : thresholds.length)
                    + " entries but there are " + labels + " labels; pass one threshold per label");
        }
        for (int l = 0; l < labels; l++) {
            if (!Float.isFinite(thresholds[l])) {
                throw new IllegalArgumentException("thresholds[" + l + "] is " + thresholds[l]
                        + "; thresholds must be finite");
            }
        }
        int n = gold.length;
        long[] tp = new long[labels], predicted = new long[labels], support = new long[labels];
        long exact = 0, wrong = 0;
        for (int i = 0; i < n; i++) {
            boolean same = true;
            for (int l = 0; l < labels; l++) {
                boolean p = scores[i][l] >= thresholds[l];
                boolean g = gold[i][l];
                tp[l] += p && g ? 1 : 0;
                predicted[l] += p ? 1 : 0;
                support[l] += g ? 1 : 0;
                if (p != g) {
                    same = false;
                    wrong++;
                }
            }
            exact += same ? 1 : 0;
        }
        List<LabelScores> rows = new ArrayList<>(labels);
        List<String> noPositives = new ArrayList<>();
        long sumTp = 0, sumPred = 0, sumSupport = 0;
        double sumP = 0, sumR = 0, sumF = 0, sumAp = 0;
        int withAp = 0;
        for (int l = 0; l < labels; l++) {
            double precision = ratio(tp[l], predicted[l]);
            double recall = ratio(tp[l], support[l]);
            double f1 = ratio(2 * tp[l], predicted[l] + support[l]);
            OptionalDouble ap = OptionalDouble.empty();
            if (support[l] > 0) {
                double v = RankingMetrics.averagePrecision(ThresholdCounts.of(column(gold, l), column(scores, l),
                        "scores of label '" + labelNames.get(l) + "'"));
                ap = OptionalDouble.of(v);
                sumAp += v;
                withAp++;
            } else {
                noPositives.add(labelNames.get(l));
            }
            rows.add(new LabelScores(labelNames.get(l), thresholds[l], precision, recall, f1, support[l], ap));
            sumTp += tp[l];
            sumPred += predicted[l];
            sumSupport += support[l];
            sumP += precision;
            sumR += recall;
            sumF += f1;
        }
        return new MultiLabelMetrics(n, labelNames, ratio(sumTp, sumPred), ratio(sumTp, sumSupport),
                ratio(2 * sumTp, sumPred + sumSupport), sumP / labels, sumR / labels, sumF / labels,
                withAp == 0 ? OptionalDouble.empty() : OptionalDouble.of(sumAp / withAp), noPositives,
                (double) exact / n, (double) wrong / ((double) n * labels), rows);
    }

    /**
     * The summary figures by name, for reports and monitors: {@code micro_precision, micro_recall, micro_f1,
     * macro_precision, macro_recall, macro_f1, map} (only when defined), {@code subset_accuracy, hamming_loss}.
     * Hamming loss is the only one where lower is better.
     *
     * @return a new insertion-ordered map
     */
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("micro_precision", microPrecision);
        m.put("micro_recall", microRecall);
        m.put("micro_f1", microF1);
        m.put("macro_precision", macroPrecision);
        m.put("macro_recall", macroRecall);
        m.put("macro_f1", macroF1);
        if (meanAveragePrecision.isPresent()) {
            m.put("map", meanAveragePrecision.getAsDouble());
        }
        m.put("subset_accuracy", subsetAccuracy);
        m.put("hamming_loss", hammingLoss);
        return m;
    }

    /**
     * A JSON-ready view: {@code n, labels}, the entries of {@link #values()}, {@code labels_without_positives} and
     * {@code per_label} (a list of {@link LabelScores#toMap()} rows).
     *
     * @return a new mutable, insertion-ordered map of plain values, lists and maps
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("labels", labels);
        m.putAll(values());
        m.put("labels_without_positives", labelsWithoutPositives);
        m.put("per_label", perLabel.stream().map(LabelScores::toMap).toList());
        return m;
    }

    /** Checks that gold and scores are non-empty n × L matrices of one shape; returns L. */
    static int checkShape(boolean[][] gold, float[][] scores) {
        if (gold == null || scores == null) {
            throw new IllegalArgumentException("gold and scores must not be null");
        }
        if (gold.length == 0) {
            throw new IllegalArgumentException("no examples: gold is empty");
        }
        if (gold.length != scores.length) {
            throw new IllegalArgumentException("gold has " + gold.length + " rows but scores has " + scores.length
                    + "; pass one row per example");
        }
        if (gold[0] == null || gold[0].length == 0) {
            throw new IllegalArgumentException("gold[0] has no labels; pass one column per label");
        }
        int labels = gold[0].length;
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] == null || gold[i].length != labels) {
                throw new IllegalArgumentException("gold[" + i + "] has " + (gold[i] == null ? "no" : gold[i].length)
                        + " entries but gold[0] has " + labels + "; every row needs one entry per label");
            }
            if (scores[i] == null || scores[i].length != labels) {
                throw new IllegalArgumentException("scores[" + i + "] has " + (scores[i] == null ? "no"
                        : scores[i].length) + " entries but there are " + labels + " labels; pass one score per label");
            }
            for (int l = 0; l < labels; l++) {
                if (!Float.isFinite(scores[i][l])) {
                    throw new IllegalArgumentException("scores[" + i + "][" + l + "] is " + scores[i][l]
                            + "; scores must be finite");
                }
            }
        }
        return labels;
    }

    static boolean[] column(boolean[][] m, int l) {
        boolean[] c = new boolean[m.length];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i][l];
        }
        return c;
    }

    static double[] column(float[][] m, int l) {
        double[] c = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i][l];
        }
        return c;
    }

    private static void checkNames(List<String> names, int labels) {
        if (names == null || names.size() != labels) {
            throw new IllegalArgumentException("labelNames has " + (names == null ? "no" : names.size())
                    + " names but the matrices have " + labels + " label columns; pass one name per column");
        }
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || !seen.add(name)) {
                throw new IllegalArgumentException("labelNames[" + i + "] is " + (name == null ? "null"
                        : "'" + name + "', a duplicate") + "; label names must be unique and non-null");
            }
        }
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }
}
