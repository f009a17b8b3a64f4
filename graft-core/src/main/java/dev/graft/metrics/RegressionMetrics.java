package dev.graft.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regression scores with scikit-learn's and SciPy's definitions: RMSE, MAE, R² as {@code r2_score} (1 − residual
 * sum of squares / total sum of squares; when the gold values are all equal, 1 for a perfect prediction and 0
 * otherwise), Pearson's r as {@code scipy.stats.pearsonr} and Spearman's ρ as {@code scipy.stats.spearmanr} (Pearson's
 * r of the ranks, tied values sharing their average rank). A correlation with a constant side is undefined and
 * reported as {@code NaN}.
 *
 * @param n        number of examples
 * @param rmse     root mean squared error
 * @param mae      mean absolute error
 * @param r2       coefficient of determination
 * @param pearson  Pearson correlation of gold and predicted, or NaN
 * @param spearman Spearman rank correlation, or NaN
 */
public record RegressionMetrics(long n, double rmse, double mae, double r2, double pearson, double spearman) implements TaskMetrics {

    /**
     * Scores predictions.
     *
     * @param gold      true values, finite
     * @param predicted predicted values, finite, same length
     * @return the metrics
     * @throws IllegalArgumentException if the arrays are null, empty, of different lengths, or hold a value that is not
     *                                  finite
     */
    public static RegressionMetrics of(double[] gold, double[] predicted) {
        if (gold == null || predicted == null) {
            throw new IllegalArgumentException("gold and predicted must not be null");
        }
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException("gold has " + gold.length + " values but predicted has "
                    + predicted.length + "; pass one prediction per example");
        }
        if (gold.length == 0) {
            throw new IllegalArgumentException("no examples: gold and predicted are empty");
        }
        checkFinite("gold", gold);
        checkFinite("predicted", predicted);
        int n = gold.length;
        double sq = 0, abs = 0;
        for (int i = 0; i < n; i++) {
            double e = gold[i] - predicted[i];
            sq += e * e;
            abs += Math.abs(e);
        }
        double mean = mean(gold);
        double total = 0;
        for (double g : gold) {
            total += (g - mean) * (g - mean);
        }
        double r2 = total == 0 ? (sq == 0 ? 1 : 0) : 1 - sq / total;
        return new RegressionMetrics(n, Math.sqrt(sq / n), abs / n, r2, pearson(gold, predicted),
                pearson(averageRanks(gold), averageRanks(predicted)));
    }

    /**
     * The figures by name: {@code rmse, mae, r2, pearson, spearman}; an undefined correlation is left out.
     *
     * @return a new insertion-ordered map
     */
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rmse", rmse);
        m.put("mae", mae);
        m.put("r2", r2);
        if (!Double.isNaN(pearson)) {
            m.put("pearson", pearson);
        }
        if (!Double.isNaN(spearman)) {
            m.put("spearman", spearman);
        }
        return m;
    }

    /** @return {@code n} followed by {@link #values()} */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.putAll(values());
        return m;
    }

    /**
     * Ranks from 1 to n, tied values sharing the mean of the ranks they span ({@code scipy.stats.rankdata}'s
     * {@code "average"} method).
     *
     * @param v the values
     * @return their ranks
     */
    static double[] averageRanks(double[] v) {
        int n = v.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            double r = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[idx[k]] = r;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = mean(x), my = mean(y);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            double a = x[i] - mx, b = y[i] - my;
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static void checkFinite(String what, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] is " + v[i] + "; values must be finite");
            }
        }
    }
}
