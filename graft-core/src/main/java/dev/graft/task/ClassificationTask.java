package dev.graft.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.data.LabelMap;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.metrics.BinaryClassScores;
import dev.graft.metrics.BinaryMetric;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.RankingMetrics;
import dev.graft.metrics.ThresholdTuning;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Single-label classification: a softmax over the classes, cross-entropy (optionally weighted per class, for
 * imbalanced data), accuracy and macro-F1, the most probable class as the prediction.
 *
 * <p>With two classes one of them is the <em>positive</em> class (the second in label order unless named): its
 * probability is also scored as a ranking (ROC-AUC, PR-AUC), and a {@link DecisionThreshold} may replace the argmax:
 * the positive class is predicted when its probability reaches the threshold, which {@link #calibrated} can tune on
 * validation data for a chosen metric. Such a threshold (and a positive class other than the default) is part of
 * {@link #settings()} and so saved with the model.
 */
public final class ClassificationTask implements Task {

    /** Setting: the positive class of a two-class task. */
    static final String POSITIVE_LABEL = "positive_label";
    /** Setting: the decision threshold on the positive class's probability. */
    static final String THRESHOLD = "decision_threshold";
    /** Setting: the metric the threshold was tuned for. */
    static final String TUNED_FOR = "threshold_tuned_for";

    private final List<String> names;
    private final Map<String, Integer> index = new HashMap<>();
    private final float[] classWeights;
    private final int positive;
    private final DecisionThreshold threshold;

    /**
     * @param names        class names, index = class id
     * @param classWeights a loss weight per class, or {@code null} for the plain mean cross-entropy
     */
    public ClassificationTask(List<String> names, float[] classWeights) {
        this(names, classWeights, defaultPositive(names.size()), DecisionThreshold.NONE);
    }

    private ClassificationTask(List<String> names, float[] classWeights, int positive, DecisionThreshold threshold) {
        if (names.size() < 1) {
            throw new IllegalArgumentException("a classification task needs at least one class");
        }
        this.names = List.copyOf(names);
        for (int i = 0; i < this.names.size(); i++) {
            index.put(this.names.get(i), i);
        }
        if (classWeights != null && classWeights.length != names.size()) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + names.size() + " classes");
        }
        if (threshold.wanted() && names.size() != 2) {
            throw new IllegalArgumentException("a decision threshold needs exactly two classes; this task has " + names.size() + " " + names);
        }
        this.classWeights = classWeights == null ? null : classWeights.clone();
        this.positive = positive;
        this.threshold = threshold;
    }

    /**
     * The classification task of a saved model: its classes, and the positive class and decision threshold of
     * {@link #settings()} when it has them.
     *
     * @throws IllegalArgumentException naming the setting that is malformed
     */
    static ClassificationTask restore(List<String> names, Map<String, Object> settings) {
        ClassificationTask task = new ClassificationTask(names, null);
        Object label = settings.get(POSITIVE_LABEL);
        if (label != null) {
            task = task.withPositiveLabel(label.toString());
        }
        Object t = settings.get(THRESHOLD);
        if (t != null) {
            if (!(t instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
                throw new IllegalArgumentException("task setting '" + THRESHOLD + "' must be a number in [0, 1], not " + t);
            }
            Object metric = settings.get(TUNED_FOR);
            task = task.withDecisionThreshold(metric == null ? DecisionThreshold.fixed(n.doubleValue())
                    : DecisionThreshold.tuned(n.doubleValue(), dev.graft.metrics.BinaryMetric.parse(metric.toString())));
        }
        return task;
    }

    /**
     * This task with {@code label} as the positive class.
     *
     * @throws IllegalArgumentException unless the task has two classes and {@code label} is one of them
     */
    public ClassificationTask withPositiveLabel(String label) {
        Integer p = index.get(label.strip());
        if (names.size() != 2 || p == null) {
            throw new IllegalArgumentException("positive label '" + label + "' must be one of the two classes of a two-class task;"
                    + " the classes are " + names);
        }
        return new ClassificationTask(names, classWeights, p, threshold);
    }

    /**
     * This task deciding by {@code rule}: a threshold on the positive class's probability (given, or to tune on
     * validation with {@link #calibrated}), or {@link DecisionThreshold#NONE} for the most probable class.
     *
     * @throws IllegalArgumentException when a threshold is asked of a task without exactly two classes
     */
    public ClassificationTask withDecisionThreshold(DecisionThreshold rule) {
        return new ClassificationTask(names, classWeights, positive, rule);
    }

    /** The decision rule: a threshold on the positive class's probability, or none (argmax). */
    public DecisionThreshold decisionThreshold() {
        return threshold;
    }

    /** The positive class of a two-class task (the second class unless named). */
    public java.util.Optional<String> positiveLabel() {
        return positive < 0 ? java.util.Optional.empty() : java.util.Optional.of(names.get(positive));
    }

    /** The classes of {@code labels}, unweighted. */
    public static ClassificationTask of(LabelMap labels) {
        return new ClassificationTask(labels.labels(), null);
    }

    /** {@code classes} classes named by their index, unweighted (a module trained on class indices). */
    public static ClassificationTask unnamed(int classes) {
        return new ClassificationTask(IntStream.range(0, classes).mapToObj(Integer::toString).toList(), null);
    }

    /**
     * Weights that make every class count as much in the loss as if classes were balanced:
     * {@code n / (classes · count(c))}, as scikit-learn's {@code class_weight="balanced"}.
     *
     * @throws IllegalArgumentException when a class has no example
     */
    public static float[] balancedWeights(int[] classes, int classCount) {
        int[] counts = new int[classCount];
        for (int c : classes) {
            counts[c]++;
        }
        float[] w = new float[classCount];
        for (int c = 0; c < classCount; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("class " + c + " has no training example; balanced class weights need every class");
            }
            w[c] = (float) (classes.length / ((double) classCount * counts[c]));
        }
        return w;
    }

    /** This task with a loss weight per class ({@code null}: none). */
    public ClassificationTask withClassWeights(float[] weights) {
        return new ClassificationTask(names, weights, positive, threshold);
    }

    /** The loss weight of each class, or {@code null} when the loss is unweighted. */
    public float[] classWeights() {
        return classWeights == null ? null : classWeights.clone();
    }

    @Override
    public TaskKind kind() {
        return TaskKind.CLASSIFICATION;
    }

    @Override
    public int outputWidth() {
        return names.size();
    }

    @Override
    public List<String> outputNames() {
        return names;
    }

    @Override
    public Targets encode(List<String> rawTargets) {
        int[] out = new int[rawTargets.size()];
        for (int i = 0; i < out.length; i++) {
            Integer c = index.get(rawTargets.get(i).strip());
            if (c == null) {
                throw new IllegalArgumentException("label '" + rawTargets.get(i) + "' is not one of the classes " + names);
            }
            out[i] = c;
        }
        return new Targets.Classes(out);
    }

    @Override
    public NDArray batchTargets(NDManager manager, Targets targets, int[] indices) {
        int[] all = ((Targets.Classes) targets).classes();
        long[] y = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            y[i] = all[indices[i]];
        }
        return manager.create(y);
    }

    @Override
    public NDArray loss(NDArray outputs, NDArray targets) {
        if (classWeights == null) {
            return crossEntropy(outputs, targets);
        }
        int classes = (int) outputs.getShape().get(outputs.getShape().dimension() - 1);
        NDArray target = targets.oneHot(classes).toType(outputs.getDataType(), false);
        NDArray w = target.mul(outputs.getManager().create(classWeights)).sum(new int[] {-1});
        NDArray nll = outputs.logSoftmax(-1).mul(target).sum(new int[] {-1}).neg();
        return nll.mul(w).sum().div(w.sum());
    }

    /** Mean softmax cross-entropy of {@code logits [B, C]} against int64 {@code labels [B]}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray target = labels.oneHot(classes).toType(logits.getDataType(), false);
        return logits.logSoftmax(-1).mul(target).sum(new int[] {-1}).mean().neg();
    }

    @Override
    public NDArray activate(NDArray outputs) {
        return outputs.softmax(-1);
    }

    @Override
    public float[] activate(float[] outputs) {
        return Activations.softmax(outputs, outputs.length);
    }

    @Override
    public double validationLoss(float[][] activated, Targets gold) {
        int[] y = ((Targets.Classes) gold).classes();
        double nll = 0;
        for (int i = 0; i < activated.length; i++) {
            nll -= Math.log(Math.max(activated[i][y[i]], 1e-12));
        }
        return nll / activated.length;
    }

    /**
     * Accuracy, F1 and the rest of the predicted classes ({@link #predict}); for two classes also ROC-AUC and PR-AUC of
     * the positive class's probability and the decision rule, when the gold classes hold both.
     */
    @Override
    public ClassificationMetrics score(float[][] activated, Targets gold) {
        int[] y = ((Targets.Classes) gold).classes();
        int[] pred = new int[activated.length];
        for (int i = 0; i < activated.length; i++) {
            pred[i] = predict(activated[i]);
        }
        ClassificationMetrics metrics = ClassificationMetrics.of(y, pred, names);
        if (positive < 0) {
            return metrics;
        }
        boolean[] isPositive = new boolean[y.length];
        double[] scores = new double[y.length];
        long positives = 0;
        for (int i = 0; i < y.length; i++) {
            isPositive[i] = y[i] == positive;
            scores[i] = activated[i][positive];
            positives += isPositive[i] ? 1 : 0;
        }
        if (positives == 0 || positives == y.length) {
            return metrics; // ROC-AUC needs both classes
        }
        return metrics.withBinary(new BinaryClassScores(names.get(positive), RankingMetrics.of(isPositive, scores),
                threshold.value(), threshold.value().isPresent() ? threshold.tunedFor() : java.util.Optional.empty()));
    }

    /**
     * The predicted class of one example's probabilities: the positive class when its probability reaches the decision
     * threshold (and the other class otherwise), or the most probable class when there is no threshold.
     */
    public int predict(float[] activated) {
        if (threshold.applies()) {
            return activated[positive] >= threshold.value().getAsDouble() ? positive : 1 - positive;
        }
        return argmax(activated);
    }

    /**
     * This task with its decision threshold tuned on validation outputs for the metric it names (the positive class
     * against the other); the task itself when it has no threshold to tune.
     */
    @Override
    public Task calibrated(float[][] activated, Targets gold) {
        if (threshold.tunedFor().isEmpty()) {
            return this;
        }
        int[] y = ((Targets.Classes) gold).classes();
        boolean[] isPositive = new boolean[y.length];
        double[] scores = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            isPositive[i] = y[i] == positive;
            scores[i] = activated[i][positive];
        }
        BinaryMetric metric = threshold.tunedFor().get();
        ThresholdTuning.Choice choice = ThresholdTuning.binary(isPositive, scores, metric);
        return withDecisionThreshold(DecisionThreshold.tuned(choice.threshold(), metric));
    }

    @Override
    public String defaultMonitor() {
        return "macro_f1";
    }

    @Override
    public TaskPrediction decode(float[] activated) {
        int best = predict(activated);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (int i = 0; i < activated.length; i++) {
            scores.put(names.get(i), (double) activated[i]);
        }
        return new TaskPrediction(List.of(names.get(best)), activated[best], Double.NaN, scores);
    }

    @Override
    public TargetFormat targetFormat() {
        return TargetFormat.classification();
    }

    /**
     * Empty for the usual classifier (so its manifest stays as older Graft wrote it); for a two-class task with a
     * decision threshold, or a positive class other than the second, {@code positive_label}, and
     * {@code decision_threshold} with {@code threshold_tuned_for} when it was tuned.
     */
    @Override
    public Map<String, Object> settings() {
        if (!threshold.applies() && positive == defaultPositive(names.size())) {
            return Map.of();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(POSITIVE_LABEL, names.get(positive));
        threshold.value().ifPresent(v -> m.put(THRESHOLD, v));
        threshold.value().ifPresent(v -> threshold.tunedFor().ifPresent(t -> m.put(TUNED_FOR, t.key())));
        return m;
    }

    private static int defaultPositive(int classes) {
        return classes == 2 ? 1 : -1;
    }

    /** Index of the largest value (the first on ties). */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "classification " + names + (classWeights == null ? "" : " weights " + Arrays.toString(classWeights))
                + (threshold.wanted() ? " positive " + names.get(positive) + " threshold " + threshold : "");
    }
}
