package dev.graft.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Classification scores over a fixed label set, with scikit-learn's definitions and {@code zero_division=0}: a
 * class never predicted has precision 0, a class without examples has recall 0, and F1 is 0 when precision and
 * recall are both 0. Macro averages are unweighted means over <em>all</em> labels given (like scikit-learn called
 * with {@code labels=range(K)}), so a label absent from both gold and predictions counts as 0; weighted averages
 * weight each class by its support.
 *
 * @param n                 number of examples
 * @param labels            class names, index = class id
 * @param accuracy          fraction of examples predicted correctly
 * @param macroPrecision    mean of per-class precision
 * @param macroRecall       mean of per-class recall
 * @param macroF1           mean of per-class F1
 * @param weightedPrecision support-weighted mean of per-class precision
 * @param weightedRecall    support-weighted mean of per-class recall (equals accuracy)
 * @param weightedF1        support-weighted mean of per-class F1
 * @param perClass          per-class scores, in label order
 * @param confusionMatrix   counts, rows = true class, columns = predicted (a copy is kept and returned)
 * @param logLoss           mean negative log-likelihood of the true class, when probabilities were given
 * @param binary            for two classes scored with probabilities: ROC-AUC, PR-AUC and the decision rule of the
 *                          positive class ({@link #withBinary}); empty otherwise
 */
public record ClassificationMetrics(long n, List<String> labels, double accuracy, double macroPrecision,
        double macroRecall, double macroF1, double weightedPrecision, double weightedRecall, double weightedF1,
        List<ClassMetrics> perClass, ConfusionMatrix confusionMatrix, OptionalDouble logLoss,
        Optional<BinaryClassScores> binary) implements TaskMetrics {

    /** Probabilities are clipped to {@code [EPS, 1 - EPS]} before taking logs, as scikit-learn historically did. */
    public static final double LOG_LOSS_EPS = 1e-15;

    /** How far a probability row's sum may stray from 1. */
    public static final double PROBABILITY_SUM_TOLERANCE = 1e-4;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates consistency and copies mutable parts. */
    public ClassificationMetrics {
        labels = List.copyOf(labels);
        perClass = List.copyOf(perClass);
        Objects.requireNonNull(confusionMatrix, "confusionMatrix");
        Objects.requireNonNull(logLoss, "logLoss (use OptionalDouble.empty())");
        Objects.requireNonNull(binary, "binary (use Optional.empty())");
        if (binary.isPresent() && (labels.size() != 2 || !labels.contains(binary.get().positiveLabel()))) {
            throw new IllegalArgumentException("binary scores need two classes, one of them the positive class '"
                    + binary.get().positiveLabel() + "'; the classes are " + labels);
        }
        confusionMatrix = confusionMatrix.copy();
        if (perClass.size() != labels.size() || confusionMatrix.numClasses() != labels.size()) {
            throw new IllegalArgumentException("labels (" + labels.size() + "), perClass (" + perClass.size()
                    + ") and confusionMatrix (" + confusionMatrix.numClasses() + " classes) must agree in size");
        }
        if (n != confusionMatrix.total()) {
            throw new IllegalArgumentException("n is " + n + " but the confusion matrix holds "
                    + confusionMatrix.total() + " examples");
        }
        checkUnit("accuracy", accuracy);
        checkUnit("macroPrecision", macroPrecision);
        checkUnit("macroRecall", macroRecall);
        checkUnit("macroF1", macroF1);
        checkUnit("weightedPrecision", weightedPrecision);
        checkUnit("weightedRecall", weightedRecall);
        checkUnit("weightedF1", weightedF1);
        if (logLoss.isPresent() && !(logLoss.getAsDouble() >= 0)) {
            throw new IllegalArgumentException("logLoss must be >= 0 but was " + logLoss.getAsDouble());
        }
    }

    /** Metrics without binary scores. */
    public ClassificationMetrics(long n, List<String> labels, double accuracy, double macroPrecision, double macroRecall,
            double macroF1, double weightedPrecision, double weightedRecall, double weightedF1, List<ClassMetrics> perClass,
            ConfusionMatrix confusionMatrix, OptionalDouble logLoss) {
        this(n, labels, accuracy, macroPrecision, macroRecall, macroF1, weightedPrecision, weightedRecall, weightedF1, perClass,
                confusionMatrix, logLoss, Optional.empty());
    }

    /**
     * These metrics with the ranking figures and decision rule of a two-class classifier's positive class.
     *
     * @throws IllegalArgumentException unless there are two classes and {@code scores} names one of them
     */
    public ClassificationMetrics withBinary(BinaryClassScores scores) {
        return new ClassificationMetrics(n, labels, accuracy, macroPrecision, macroRecall, macroF1, weightedPrecision,
                weightedRecall, weightedF1, perClass, confusionMatrix, logLoss, Optional.of(scores));
    }

    /**
     * Scores predicted labels against gold labels.
     *
     * @param gold       true class id of each example, in {@code [0, labelNames.size())}
     * @param predicted  predicted class id of each example, same length
     * @param labelNames class names, index = class id; unique
     * @return the metrics
     * @throws IllegalArgumentException if the input is empty, lengths differ, a label is out of range, or names
     *                                  repeat
     */
    public static ClassificationMetrics of(int[] gold, int[] predicted, List<String> labelNames) {
        checkLabelNames(labelNames);
        return of(ConfusionMatrix.of(gold, predicted, labelNames.size()), labelNames, OptionalDouble.empty());
    }

    /**
     * Scores class probabilities: predictions are the argmax of each row (the lowest index on ties) and
     * {@link #logLoss()} is the mean of {@code -ln p[gold]}, with p clipped to {@code [1e-15, 1 - 1e-15]}.
     *
     * @param gold          true class id of each example
     * @param probabilities one row per example with one probability per class; each row non-negative and summing
     *                      to 1 (within {@value #PROBABILITY_SUM_TOLERANCE}), i.e. after softmax
     * @param labelNames    class names, index = class id
     * @return the metrics, with log loss
     * @throws IllegalArgumentException if shapes disagree, a label is out of range, or a row is not a distribution
     */
    public static ClassificationMetrics of(int[] gold, double[][] probabilities, List<String> labelNames) {
        checkLabelNames(labelNames);
        if (gold == null || probabilities == null) {
            throw new IllegalArgumentException("gold labels and probabilities must not be null");
        }
        if (gold.length != probabilities.length) {
            throw new IllegalArgumentException("gold has " + gold.length + " labels but probabilities has "
                    + probabilities.length + " rows; pass one row per example");
        }
        int k = labelNames.size();
        int[] predicted = new int[gold.length];
        double sumNll = 0;
        for (int i = 0; i < gold.length; i++) {
            double[] row = probabilities[i];
            if (row == null || row.length != k) {
                throw new IllegalArgumentException("probabilities[" + i + "] has " + (row == null ? "no" : row.length)
                        + " entries but there are " + k + " labels; pass one probability per label");
            }
            if (gold[i] < 0 || gold[i] >= k) {
                throw new IllegalArgumentException("gold[" + i + "] is " + gold[i] + " but labels must be in [0, "
                        + k + ") for " + k + " classes; check the label mapping");
            }
            double sum = 0;
            int best = 0;
            for (int c = 0; c < k; c++) {
                double p = row[c];
                if (!(p >= 0) || Double.isInfinite(p)) {
                    throw new IllegalArgumentException("probabilities[" + i + "][" + c + "] is " + p
                            + "; probabilities must be finite and >= 0 (apply softmax to logits)");
                }
                sum += p;
                if (p > row[best]) {
                    best = c;
                }
            }
            if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
                throw new IllegalArgumentException("probabilities[" + i + "] sums to " + sum
                        + " instead of 1; pass probabilities (apply softmax to logits), not scores");
            }
            predicted[i] = best;
            double p = Math.min(Math.max(row[gold[i]], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
            sumNll -= Math.log(p);
        }
        ConfusionMatrix m = ConfusionMatrix.of(gold, predicted, k);
        OptionalDouble logLoss = gold.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(sumNll / gold.length);
        return of(m, labelNames, logLoss);
    }

    /**
     * Scores an accumulated confusion matrix.
     *
     * @param matrix     counts, rows = true class
     * @param labelNames class names, one per matrix class
     * @param logLoss    log loss if known, else empty
     * @return the metrics
     * @throws IllegalArgumentException if the matrix is empty or sizes disagree
     */
    public static ClassificationMetrics of(ConfusionMatrix matrix, List<String> labelNames, OptionalDouble logLoss) {
        checkLabelNames(labelNames);
        Objects.requireNonNull(matrix, "matrix");
        int k = labelNames.size();
        if (matrix.numClasses() != k) {
            throw new IllegalArgumentException("the confusion matrix has " + matrix.numClasses() + " classes but "
                    + k + " label names were given; pass one name per class");
        }
        long n = matrix.total();
        if (n == 0) {
            throw new IllegalArgumentException("no examples to score: gold and predicted labels are empty");
        }
        List<ClassMetrics> perClass = new ArrayList<>(k);
        double sumP = 0, sumR = 0, sumF = 0, wP = 0, wR = 0, wF = 0;
        for (int c = 0; c < k; c++) {
            long tp = matrix.count(c, c);
            long support = matrix.support(c);
            long predictedCount = matrix.predictedCount(c);
            double precision = ratio(tp, predictedCount);
            double recall = ratio(tp, support);
            double f1 = ratio(2 * tp, support + predictedCount);
            perClass.add(new ClassMetrics(labelNames.get(c), precision, recall, f1, support));
            sumP += precision;
            sumR += recall;
            sumF += f1;
            wP += precision * support;
            wR += recall * support;
            wF += f1 * support;
        }
        return new ClassificationMetrics(n, labelNames, (double) matrix.correct() / n, sumP / k, sumR / k, sumF / k,
                wP / n, wR / n, wF / n, perClass, matrix, logLoss);
    }

    /** @return a copy of the confusion matrix */
    @Override
    public ConfusionMatrix confusionMatrix() {
        return confusionMatrix.copy();
    }

    /**
     * A JSON-ready view with snake_case keys: {@code n, labels, accuracy, macro_precision, macro_recall, macro_f1,
     * weighted_precision, weighted_recall, weighted_f1, log_loss} (only when known), {@code per_class} (list of
     * {label, precision, recall, f1, support}) and {@code confusion_matrix} (rows = true class).
     *
     * @return a new mutable, insertion-ordered map of plain values, lists and maps
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("labels", labels);
        m.put("accuracy", accuracy);
        m.put("macro_precision", macroPrecision);
        m.put("macro_recall", macroRecall);
        m.put("macro_f1", macroF1);
        m.put("weighted_precision", weightedPrecision);
        m.put("weighted_recall", weightedRecall);
        m.put("weighted_f1", weightedF1);
        if (logLoss.isPresent()) {
            m.put("log_loss", logLoss.getAsDouble());
        }
        binary.ifPresent(b -> m.putAll(b.toMap()));
        m.put("per_class", perClass.stream().map(ClassMetrics::toMap).toList());
        List<List<Integer>> rows = new ArrayList<>();
        for (int[] row : confusionMatrix.counts()) {
            rows.add(java.util.Arrays.stream(row).boxed().toList());
        }
        m.put("confusion_matrix", rows);
        return m;
    }

    /**
     * {@code accuracy}, {@code macro_f1}, {@code macro_precision}, {@code macro_recall}, {@code weighted_f1},
     * when probabilities were scored, {@code log_loss}, and for a two-class classifier with {@link #binary()} scores,
     * {@code roc_auc} and {@code pr_auc} of the positive class.
     */
    @Override
    public Map<String, Double> values() {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("accuracy", accuracy);
        m.put("macro_f1", macroF1);
        m.put("macro_precision", macroPrecision);
        m.put("macro_recall", macroRecall);
        m.put("weighted_f1", weightedF1);
        logLoss.ifPresent(v -> m.put("log_loss", v));
        binary.ifPresent(b -> {
            m.put("roc_auc", b.rocAuc());
            m.put("pr_auc", b.prAuc());
        });
        return m;
    }

    /** @return {@link #toMap()} as pretty-printed JSON */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise metrics to JSON", e);
        }
    }

    /** @return a plain-text report: per-class table, averages, and the confusion matrix */
    public String toTable() {
        return MetricsTable.render(this);
    }

    static void checkUnit(String what, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1] but was " + v);
        }
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }

    private static void checkLabelNames(List<String> labelNames) {
        if (labelNames == null || labelNames.isEmpty()) {
            throw new IllegalArgumentException("labelNames must list at least one class name, index = class id");
        }
        HashSet<String> seen = new HashSet<>();
        for (int i = 0; i < labelNames.size(); i++) {
            String name = labelNames.get(i);
            if (name == null || !seen.add(name)) {
                throw new IllegalArgumentException("labelNames[" + i + "] is " + (name == null ? "null"
                        : "'" + name + "', a duplicate") + "; class names must be unique and non-null");
            }
        }
    }
}
