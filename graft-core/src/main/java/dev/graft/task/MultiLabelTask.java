package dev.graft.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.metrics.MultiLabelMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.metrics.ThresholdTuning;
import dev.graft.model.Scalars;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-label classification: an independent sigmoid per label, binary cross-entropy averaged over labels and
 * examples, a decision threshold per label (0.5 until {@link #calibrated} tunes each on validation to maximise its
 * F1, for labels with at least {@value #MIN_POSITIVES_TO_TUNE} validation examples), and micro/macro F1, mAP and subset accuracy. A prediction is every label whose probability reaches its
 * threshold.
 */
public final class MultiLabelTask implements Task {

    /** The threshold of a label before calibration. */
    public static final float DEFAULT_THRESHOLD = 0.5f;
    /** Fewest validation examples with a label for its threshold to be tuned; a rarer label keeps {@value #DEFAULT_THRESHOLD}. */
    public static final int MIN_POSITIVES_TO_TUNE = 20;

    private final List<String> names;
    private final Map<String, Integer> index = new HashMap<>();
    private final String separator;
    private final float[] thresholds;

    /**
     * @param names      label names, index = output
     * @param separator  what separates labels in the raw targets ({@code null}: {@code ","})
     * @param thresholds a decision threshold per label, or {@code null} for {@value #DEFAULT_THRESHOLD} each
     */
    public MultiLabelTask(List<String> names, String separator, float[] thresholds) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a multi-label task needs at least one label");
        }
        this.names = List.copyOf(names);
        for (int i = 0; i < this.names.size(); i++) {
            index.put(this.names.get(i), i);
        }
        this.separator = separator == null ? "," : separator;
        if (thresholds != null && thresholds.length != names.size()) {
            throw new IllegalArgumentException(thresholds.length + " thresholds for " + names.size() + " labels");
        }
        this.thresholds = thresholds == null ? filled(names.size()) : thresholds.clone();
    }

    static MultiLabelTask restore(List<String> names, Map<String, Object> settings) {
        Object t = settings.get("thresholds");
        float[] thresholds = null;
        if (t instanceof List<?> list) {
            thresholds = new float[list.size()];
            for (int i = 0; i < thresholds.length; i++) {
                if (!(list.get(i) instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
                    throw new IllegalArgumentException("task setting 'thresholds' must hold numbers in [0, 1]; item " + i
                            + " is " + list.get(i));
                }
                thresholds[i] = n.floatValue();
            }
        }
        Object sep = settings.get("separator");
        return new MultiLabelTask(names, sep == null ? null : sep.toString(), thresholds);
    }

    /** The decision threshold of each label. */
    public float[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public TaskKind kind() {
        return TaskKind.MULTI_LABEL;
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
        boolean[][] out = new boolean[rawTargets.size()][names.size()];
        for (int i = 0; i < out.length; i++) {
            for (String part : rawTargets.get(i).split(java.util.regex.Pattern.quote(separator), -1)) {
                Integer j = index.get(part.strip());
                if (j == null) {
                    throw new IllegalArgumentException("label '" + part.strip() + "' is not one of the labels " + names);
                }
                out[i][j] = true;
            }
        }
        return new Targets.LabelSets(out);
    }

    /**
     * The targets of a data set whose label lists are written as names (after {@link dev.graft.data.TargetFormat}
     * mapped ids to names).
     */
    public Targets encodeNames(List<List<String>> labelLists) {
        boolean[][] out = new boolean[labelLists.size()][names.size()];
        for (int i = 0; i < out.length; i++) {
            for (String l : labelLists.get(i)) {
                Integer j = index.get(l);
                if (j == null) {
                    throw new IllegalArgumentException("label '" + l + "' is not one of the labels " + names);
                }
                out[i][j] = true;
            }
        }
        return new Targets.LabelSets(out);
    }

    @Override
    public NDArray batchTargets(NDManager manager, Targets targets, int[] indices) {
        boolean[][] all = ((Targets.LabelSets) targets).labels();
        int width = names.size();
        float[] y = new float[indices.length * width];
        for (int i = 0; i < indices.length; i++) {
            for (int j = 0; j < width; j++) {
                y[i * width + j] = all[indices[i]][j] ? 1f : 0f;
            }
        }
        return manager.create(y, new Shape(indices.length, width));
    }

    /** Mean binary cross-entropy with logits, in the stable form {@code max(x,0) − x·y + log(1 + e^−|x|)}. */
    @Override
    public NDArray loss(NDArray outputs, NDArray targets) {
        NDArray y = targets.toType(outputs.getDataType(), false);
        return Activation.relu(outputs).sub(outputs.mul(y)).add(Scalars.add(outputs.abs().neg().exp(), 1f).log()).mean();
    }

    @Override
    public NDArray activate(NDArray outputs) {
        return ai.djl.nn.Activation.sigmoid(outputs);
    }

    @Override
    public float[] activate(float[] outputs) {
        return Activations.sigmoid(outputs);
    }

    @Override
    public double validationLoss(float[][] activated, Targets gold) {
        boolean[][] y = ((Targets.LabelSets) gold).labels();
        double sum = 0;
        long count = 0;
        for (int i = 0; i < activated.length; i++) {
            for (int j = 0; j < activated[i].length; j++) {
                double p = Math.min(Math.max(activated[i][j], 1e-7), 1 - 1e-7);
                sum -= y[i][j] ? Math.log(p) : Math.log(1 - p);
                count++;
            }
        }
        return sum / count;
    }

    @Override
    public TaskMetrics score(float[][] activated, Targets gold) {
        return MultiLabelMetrics.of(((Targets.LabelSets) gold).labels(), activated, thresholds, names);
    }

    @Override
    public String defaultMonitor() {
        return "macro_f1";
    }

    /** This task with each label's threshold tuned on validation to maximise that label's F1. */
    @Override
    public Task calibrated(float[][] activated, Targets gold) {
        boolean[][] y = ((Targets.LabelSets) gold).labels();
        float[] tuned = ThresholdTuning.perLabelF1(y, activated);
        for (int j = 0; j < tuned.length; j++) {
            int positives = 0;
            for (boolean[] row : y) {
                positives += row[j] ? 1 : 0;
            }
            if (positives < MIN_POSITIVES_TO_TUNE) {
                // a threshold fitted to a handful of validation examples mostly fits their noise (measured: 0.002 from
                // about 10 positives, predicting the label for nearly everything)
                tuned[j] = DEFAULT_THRESHOLD;
            }
        }
        return new MultiLabelTask(names, separator, tuned);
    }

    @Override
    public TaskPrediction decode(float[] activated) {
        Map<String, Double> scores = new LinkedHashMap<>();
        List<Integer> above = new ArrayList<>();
        int best = 0;
        for (int j = 0; j < activated.length; j++) {
            scores.put(names.get(j), (double) activated[j]);
            if (activated[j] >= thresholds[j]) {
                above.add(j);
            }
            if (activated[j] > activated[best]) {
                best = j;
            }
        }
        above.sort((a, b) -> Float.compare(activated[b], activated[a]));
        return new TaskPrediction(above.stream().map(names::get).toList(), activated[best], Double.NaN, scores);
    }

    @Override
    public TargetFormat targetFormat() {
        return TargetFormat.multiLabel(separator, names);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Double> t = new ArrayList<>();
        for (float v : thresholds) {
            t.add((double) v);
        }
        m.put("thresholds", t);
        m.put("separator", separator);
        return m;
    }

    private static float[] filled(int n) {
        float[] t = new float[n];
        Arrays.fill(t, DEFAULT_THRESHOLD);
        return t;
    }

    @Override
    public String toString() {
        return "multi-label " + names;
    }
}
