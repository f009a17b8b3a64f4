package dev.graft.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.data.LabelMap;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.TaskMetrics;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Single-label classification: a softmax over the classes, cross-entropy (optionally weighted per class, for
 * imbalanced data), accuracy and macro-F1, the most probable class as the prediction.
 */
public final class ClassificationTask implements Task {

    private final List<String> names;
    private final Map<String, Integer> index = new HashMap<>();
    private final float[] classWeights;

    /**
     * @param names        class names, index = class id
     * @param classWeights a loss weight per class, or {@code null} for the plain mean cross-entropy
     */
    public ClassificationTask(List<String> names, float[] classWeights) {
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
        this.classWeights = classWeights == null ? null : classWeights.clone();
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
        return new ClassificationTask(names, weights);
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
    public double validationLoss(float[][] activated, Targets gold) {
        int[] y = ((Targets.Classes) gold).classes();
        double nll = 0;
        for (int i = 0; i < activated.length; i++) {
            nll -= Math.log(Math.max(activated[i][y[i]], 1e-12));
        }
        return nll / activated.length;
    }

    @Override
    public TaskMetrics score(float[][] activated, Targets gold) {
        int[] pred = new int[activated.length];
        for (int i = 0; i < activated.length; i++) {
            pred[i] = argmax(activated[i]);
        }
        return ClassificationMetrics.of(((Targets.Classes) gold).classes(), pred, names);
    }

    @Override
    public String defaultMonitor() {
        return "macro_f1";
    }

    @Override
    public TaskPrediction decode(float[] activated) {
        int best = argmax(activated);
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

    @Override
    public Map<String, Object> settings() {
        return Map.of();
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
        return "classification " + names + (classWeights == null ? "" : " weights " + Arrays.toString(classWeights));
    }
}
