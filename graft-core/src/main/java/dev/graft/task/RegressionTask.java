package dev.graft.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.metrics.RegressionMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.model.Scalars;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Regression: one linear output trained on the standardised target ({@code (y − mean) / std} of the training set,
 * kept with the model) with squared error or a Huber loss; predictions in the data's units; RMSE, MAE, R², Pearson
 * and Spearman. The validation loss is the mean squared error in standardised units.
 */
public final class RegressionTask implements Task {

    private final String name;
    private final double mean;
    private final double std;
    private final double huberDelta;

    /**
     * @param name       the target's name
     * @param mean       the training targets' mean
     * @param std        their standard deviation (positive)
     * @param huberDelta Huber loss delta in standardised units, or 0 for squared error
     */
    public RegressionTask(String name, double mean, double std, double huberDelta) {
        if (!(std > 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("the target scale must be finite with a positive spread, got mean " + mean
                    + ", std " + std);
        }
        this.name = name;
        this.mean = mean;
        this.std = std;
        this.huberDelta = huberDelta;
    }

    /**
     * The task for training targets {@code values}: their mean and (population) standard deviation.
     *
     * @throws dev.graft.data.DataException when every target is the same (nothing to learn)
     */
    static RegressionTask fit(String name, double[] values, double huberDelta) {
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= values.length;
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(var / values.length);
        if (!(std > 0)) {
            throw new dev.graft.data.DataException("Every training target is " + mean + "; regression needs targets that vary."
                    + " Check the label column (labelColumn).");
        }
        return new RegressionTask(name, mean, std, huberDelta);
    }

    static RegressionTask restore(List<String> names, Map<String, Object> settings) {
        if (names.size() != 1) {
            throw new IllegalArgumentException("a regression model has one output, but 'labels' lists " + names.size());
        }
        return new RegressionTask(names.get(0), number(settings, "mean"), number(settings, "std"),
                settings.containsKey("huber_delta") ? number(settings, "huber_delta") : 0);
    }

    private static double number(Map<String, Object> settings, String key) {
        if (!(settings.get(key) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("task setting '" + key + "' must be a finite number, got " + settings.get(key));
        }
        return n.doubleValue();
    }

    /** The training targets' mean. */
    public double mean() {
        return mean;
    }

    /** The training targets' standard deviation. */
    public double std() {
        return std;
    }

    @Override
    public TaskKind kind() {
        return TaskKind.REGRESSION;
    }

    @Override
    public int outputWidth() {
        return 1;
    }

    @Override
    public List<String> outputNames() {
        return List.of(name);
    }

    @Override
    public Targets encode(List<String> rawTargets) {
        double[] v = new double[rawTargets.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.parseDouble(rawTargets.get(i).strip());
        }
        return new Targets.Values(v);
    }

    @Override
    public NDArray batchTargets(NDManager manager, Targets targets, int[] indices) {
        double[] all = ((Targets.Values) targets).values();
        float[] y = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            y[i] = (float) ((all[indices[i]] - mean) / std);
        }
        return manager.create(y, new Shape(indices.length, 1));
    }

    @Override
    public NDArray loss(NDArray outputs, NDArray targets) {
        NDArray diff = outputs.sub(targets.toType(outputs.getDataType(), false));
        if (huberDelta <= 0) {
            return diff.square().mean();
        }
        NDArray abs = diff.abs();
        NDArray quadratic = abs.minimum(Scalars.constant(abs, (float) huberDelta));
        // 0.5·q² + δ·(|d| − q): quadratic inside δ, linear outside
        return Scalars.mul(quadratic.square(), 0.5f).add(Scalars.mul(abs.sub(quadratic), (float) huberDelta)).mean();
    }

    @Override
    public NDArray activate(NDArray outputs) {
        return Scalars.add(Scalars.mul(outputs, (float) std), (float) mean);
    }

    /** The same float multiply and add as {@link #activate(NDArray)}, so the values are identical. */
    @Override
    public float[] activate(float[] outputs) {
        float[] out = new float[outputs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = outputs[i] * (float) std + (float) mean;
        }
        return out;
    }

    @Override
    public double validationLoss(float[][] activated, Targets gold) {
        double[] y = ((Targets.Values) gold).values();
        double sum = 0;
        for (int i = 0; i < activated.length; i++) {
            double d = (activated[i][0] - y[i]) / std;
            sum += d * d;
        }
        return sum / activated.length;
    }

    @Override
    public TaskMetrics score(float[][] activated, Targets gold) {
        double[] pred = new double[activated.length];
        for (int i = 0; i < pred.length; i++) {
            pred[i] = activated[i][0];
        }
        return RegressionMetrics.of(((Targets.Values) gold).values(), pred);
    }

    @Override
    public String defaultMonitor() {
        return "loss";
    }

    @Override
    public TaskPrediction decode(float[] activated) {
        return new TaskPrediction(List.of(), Double.NaN, activated[0], Map.of(name, (double) activated[0]));
    }

    @Override
    public TargetFormat targetFormat() {
        return TargetFormat.regression();
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", mean);
        m.put("std", std);
        if (huberDelta > 0) {
            m.put("huber_delta", huberDelta);
        }
        return m;
    }

    @Override
    public String toString() {
        return "regression of " + name + " (mean " + mean + ", std " + std + ")";
    }
}
