package dev.graft.selection;

import dev.graft.data.DatasetSplits;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataset;
import dev.graft.metrics.MultiLabelMetrics;
import dev.graft.metrics.RegressionMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.metrics.ThresholdTuning;
import dev.graft.metrics.linear.LinearClassifier;
import dev.graft.metrics.linear.LogisticRegression;
import dev.graft.metrics.linear.RidgeModel;
import dev.graft.metrics.linear.RidgeRegression;
import dev.graft.model.text.TextModelSpec;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The baselines a multi-label or regression run is judged against, all on the same frozen sentence vectors the
 * feature-extraction head reads (from the embedding cache): scikit-learn's standard linear models with their
 * regularisation chosen by cross-validation on the training split — one-vs-rest logistic regression (thresholds tuned
 * on validation like the head's) for multi-label, ridge regression (α by leave-one-out) for regression — and, for
 * text-pair regression, the zero-shot cosine similarity of the two frozen vectors (rescaled linearly on the training
 * split, so its RMSE is comparable; Pearson and Spearman are those of the cosine itself).
 */
public final class FrozenFeatureBaselines {

    private FrozenFeatureBaselines() {
    }

    /**
     * One baseline's scores.
     *
     * @param name       short name, e.g. {@code logistic-regression-ovr}
     * @param note       how it was chosen or fitted
     * @param validation its validation metrics
     * @param test       its test metrics, when there is a test split
     * @param seconds    wall time to fit and score (features excluded: they come from the cache)
     */
    public record Score(String name, String note, TaskMetrics validation, Optional<TaskMetrics> test, double seconds) {

        /** {@code {name, note, validation: {...}, test: {...}, seconds}} for {@code metrics.json}. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("note", note);
            m.put("validation", validation.values());
            test.ifPresent(t -> m.put("test", t.values()));
            m.put("seconds", seconds);
            return m;
        }
    }

    /**
     * The baselines for {@code task} on {@code splits}; empty for single-label classification (see {@link TransferCheck}).
     *
     * @param fe       whose embedding cache and settings give the frozen features
     * @param backbone the frozen encoder
     * @param seed     seeds the cross-validation folds
     */
    public static List<Score> of(FeatureExtraction fe, TextModelSpec backbone, DatasetSplits splits, Task task, long seed,
                                 Progress progress) {
        if (task.kind() == TaskKind.CLASSIFICATION) {
            return List.of();
        }
        float[][] trainX = fe.embeddings(backbone, splits.train(), progress);
        float[][] valX = fe.embeddings(backbone, splits.val(), progress);
        float[][] testX = splits.test().map(t -> fe.embeddings(backbone, t, progress)).orElse(null);
        Targets trainY = Tasks.targets(task, splits.train());
        Targets valY = Tasks.targets(task, splits.val());
        Targets testY = splits.test().map(t -> Tasks.targets(task, t)).orElse(null);
        List<Score> out = new ArrayList<>();
        if (task.kind() == TaskKind.MULTI_LABEL) {
            out.add(logisticOneVsRest(task, trainX, valX, testX, (Targets.LabelSets) trainY, (Targets.LabelSets) valY,
                    (Targets.LabelSets) testY, seed));
        } else {
            out.add(ridge(trainX, valX, testX, (Targets.Values) trainY, (Targets.Values) valY, (Targets.Values) testY));
            if (splits.hasPairs()) {
                out.add(cosine(trainX, valX, testX, (Targets.Values) trainY, (Targets.Values) valY, (Targets.Values) testY));
            }
        }
        return out;
    }

    private static Score logisticOneVsRest(Task task, float[][] trainX, float[][] valX, float[][] testX, Targets.LabelSets trainY,
                                           Targets.LabelSets valY, Targets.LabelSets testY, long seed) {
        long t0 = System.nanoTime();
        LinearClassifier model = LogisticRegression.fitOneVsRest(trainX, trainY.labels(), LogisticRegression.Settings.defaults(seed));
        float[][] valP = model.probabilities(valX);
        float[] thresholds = ThresholdTuning.perLabelF1(valY.labels(), valP);
        TaskMetrics val = MultiLabelMetrics.of(valY.labels(), valP, thresholds, task.outputNames());
        Optional<TaskMetrics> test = testX == null ? Optional.empty()
                : Optional.of(MultiLabelMetrics.of(testY.labels(), model.probabilities(testX), thresholds, task.outputNames()));
        StringBuilder cs = new StringBuilder();
        for (LinearClassifier.Fit f : model.fits()) {
            cs.append(cs.length() == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.3g", f.chosenC()));
        }
        return new Score("logistic-regression-ovr", "one-vs-rest L2 logistic regression per label, C chosen by 5-fold"
                + " cross-validated log loss on the training split (C per label: " + cs + "), thresholds tuned on validation",
                val, test, (System.nanoTime() - t0) / 1e9);
    }

    private static Score ridge(float[][] trainX, float[][] valX, float[][] testX, Targets.Values trainY, Targets.Values valY,
                               Targets.Values testY) {
        long t0 = System.nanoTime();
        RidgeModel model = RidgeRegression.fit(trainX, trainY.values(), RidgeRegression.defaultAlphas());
        TaskMetrics val = RegressionMetrics.of(valY.values(), model.predict(valX));
        Optional<TaskMetrics> test = testX == null ? Optional.empty()
                : Optional.of(RegressionMetrics.of(testY.values(), model.predict(testX)));
        return new Score("ridge-regression", "ridge regression on standardised features, alpha " + model.alpha()
                + " chosen by leave-one-out error on the training split", val, test, (System.nanoTime() - t0) / 1e9);
    }

    /** Cosine of the two texts' vectors, read from the pair features {@code [u, v, |u-v|, u*v]}. */
    private static Score cosine(float[][] trainX, float[][] valX, float[][] testX, Targets.Values trainY, Targets.Values valY,
                                Targets.Values testY) {
        long t0 = System.nanoTime();
        double[] trainC = cosines(trainX);
        double[] y = trainY.values();
        double mc = mean(trainC), my = mean(y), sxy = 0, sxx = 0;
        for (int i = 0; i < y.length; i++) {
            sxy += (trainC[i] - mc) * (y[i] - my);
            sxx += (trainC[i] - mc) * (trainC[i] - mc);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        double intercept = my - slope * mc;
        TaskMetrics val = RegressionMetrics.of(valY.values(), rescaled(cosines(valX), slope, intercept));
        Optional<TaskMetrics> test = testX == null ? Optional.empty()
                : Optional.of(RegressionMetrics.of(testY.values(), rescaled(cosines(testX), slope, intercept)));
        return new Score("zero-shot-cosine", String.format(java.util.Locale.ROOT, "cosine similarity of the frozen encoder's two"
                + " sentence vectors, no training; rescaled as %.3f * cos + %.3f (least squares on the training split)", slope,
                intercept), val, test, (System.nanoTime() - t0) / 1e9);
    }

    static double[] cosines(float[][] pairFeatures) {
        double[] out = new double[pairFeatures.length];
        for (int i = 0; i < out.length; i++) {
            float[] f = pairFeatures[i];
            int d = f.length / 4;
            double uv = 0, uu = 0, vv = 0;
            for (int k = 0; k < d; k++) {
                uv += (double) f[k] * f[d + k];
                uu += (double) f[k] * f[k];
                vv += (double) f[d + k] * f[d + k];
            }
            out[i] = uu == 0 || vv == 0 ? 0 : uv / Math.sqrt(uu * vv);
        }
        return out;
    }

    private static double[] rescaled(double[] c, double slope, double intercept) {
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = slope * c[i] + intercept;
        }
        return out;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** The baselines as a report table: each one's validation (and test) figures. */
    public static dev.graft.report.HtmlReport.Table table(List<Score> scores, TaskMetrics model, Optional<? extends TaskMetrics> modelTest) {
        List<String> keys = new ArrayList<>(model.values().keySet()).subList(0, Math.min(6, model.values().size()));
        List<String> headers = new ArrayList<>(List.of("model", "split"));
        headers.addAll(keys);
        List<List<String>> rows = new ArrayList<>();
        addRows(rows, "this model", model, modelTest, keys);
        for (Score s : scores) {
            addRows(rows, s.name(), s.validation(), s.test(), keys);
        }
        StringBuilder note = new StringBuilder("Baselines on the same frozen features. ");
        scores.forEach(s -> note.append(s.name()).append(": ").append(s.note()).append(". "));
        return new dev.graft.report.HtmlReport.Table("Baselines", note.toString().strip(), headers, rows);
    }

    private static void addRows(List<List<String>> rows, String name, TaskMetrics val, Optional<? extends TaskMetrics> test,
                                List<String> keys) {
        rows.add(row(name, "validation", val, keys));
        test.ifPresent(t -> rows.add(row(name, "test", t, keys)));
    }

    private static List<String> row(String name, String split, TaskMetrics m, List<String> keys) {
        List<String> r = new ArrayList<>(List.of(name, split));
        keys.forEach(k -> r.add(String.format(java.util.Locale.ROOT, "%.4f", m.value(k))));
        return r;
    }

    /** Whether {@code data} can be scored by these baselines (multi-label or regression text). */
    static boolean applies(TextDataset data) {
        return data.task() != TaskKind.CLASSIFICATION;
    }
}
