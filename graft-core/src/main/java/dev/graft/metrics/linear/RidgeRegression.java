package dev.graft.metrics.linear;

import dev.graft.metrics.SymmetricEigen;

/**
 * Ridge regression on standardised features with the penalty α chosen by exact leave-one-out error, the
 * equivalent of scikit-learn's {@code make_pipeline(StandardScaler(), RidgeCV(alphas))} (its default efficient
 * leave-one-out): minimise {@code ‖y − Xβ − b‖² + α‖β‖²}, intercept unpenalised.
 *
 * <p>One eigendecomposition of the centred {@code XᵀX} serves every α: with {@code XᵀX = V·diag(s)·Vᵀ} and
 * {@code U = X·V}, the fitted values and the diagonal of the hat matrix are sums over the d eigen-directions, and the
 * leave-one-out residual of example i is {@code (y_i − ŷ_i) / (1 − H_ii)}. Cost O(n·d² + d³), no n × d copy beyond
 * the standardised features; with no more rows than features, the same from the {@code n × n} kernel {@code XXᵀ}
 * instead, O(n²·d + n³).
 */
public final class RidgeRegression {

    private RidgeRegression() {
    }

    /** @return scikit-learn-style default grid: ten α from 1e-3 to 1e6, a factor 10 apart */
    public static double[] defaultAlphas() {
        return LogisticRegression.logGrid(1e-3, 1e6, 10);
    }

    /**
     * Fits with the α of least leave-one-out squared error (the first of equals).
     *
     * @param x      n × d features, n ≥ 2
     * @param y      n finite targets
     * @param alphas candidate penalties, each &gt; 0
     * @return the model refitted on all rows with the chosen α
     * @throws IllegalArgumentException if shapes disagree, a value is not finite, or an α is not positive
     */
    public static RidgeModel fit(float[][] x, double[] y, double[] alphas) {
        Standardizer standardizer = Standardizer.fit(x, "x");
        if (y == null || y.length != x.length) {
            throw new IllegalArgumentException("y has " + (y == null ? "no" : y.length) + " values but x has "
                    + x.length + " rows; pass one target per example");
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("x has one row; leave-one-out needs at least 2 examples");
        }
        if (alphas == null || alphas.length == 0) {
            throw new IllegalArgumentException("alphas must hold at least one penalty");
        }
        for (int a = 0; a < alphas.length; a++) {
            if (!(alphas[a] > 0) || Double.isInfinite(alphas[a])) {
                throw new IllegalArgumentException("alphas[" + a + "] is " + alphas[a] + "; α must be finite and > 0");
            }
        }
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException("y[" + i + "] is " + y[i] + "; targets must be finite");
            }
        }
        DenseRows rows = standardizer.transform(x, "x");
        int n = rows.n(), d = rows.d(), e = d + 1;
        float[] data = rows.data();
        double[] mu = new double[d];
        double[] aug = n > d ? rows.augmentedGram() : null;
        for (int j = 0; j < d; j++) {
            if (aug != null) {
                mu[j] = aug[j * e + d] / n;
            } else {
                for (int i = 0; i < n; i++) {
                    mu[j] += data[i * d + j];
                }
                mu[j] /= n;
            }
        }
        double yMean = 0;
        for (double v : y) {
            yMean += v / n;
        }
        double[] xty = new double[d];
        for (int i = 0; i < n; i++) {
            double yc = y[i] - yMean;
            int base = i * d;
            for (int j = 0; j < d; j++) {
                xty[j] += (data[base + j] - mu[j]) * yc;
            }
        }
        SymmetricEigen.Pairs eigen = aug != null ? primal(aug, mu, n, d) : dual(data, mu, n, d);
        double[][] v = eigen.vectors();
        double[] s = eigen.values();
        int m = s.length;
        double[] q = new double[m];
        for (int k = 0; k < m; k++) {
            double t = 0;
            for (int j = 0; j < d; j++) {
                t += v[j][k] * xty[j];
            }
            q[k] = t;
        }
        double[] looSquared = new double[alphas.length];
        double[] u = new double[m];
        double[][] inv = new double[alphas.length][m];
        for (int a = 0; a < alphas.length; a++) {
            for (int k = 0; k < m; k++) {
                inv[a][k] = 1 / (Math.max(s[k], 0) + alphas[a]);
            }
        }
        for (int i = 0; i < n; i++) {
            int base = i * d;
            java.util.Arrays.fill(u, 0);
            for (int j = 0; j < d; j++) {
                double xc = data[base + j] - mu[j];
                double[] vj = v[j];
                for (int k = 0; k < m; k++) {
                    u[k] += xc * vj[k];
                }
            }
            double yc = y[i] - yMean;
            for (int a = 0; a < alphas.length; a++) {
                double h = 1.0 / n, fit = 0;
                double[] w = inv[a];
                for (int k = 0; k < m; k++) {
                    double uk = u[k] * w[k];
                    h += uk * u[k];
                    fit += uk * q[k];
                }
                double r = (yc - fit) / (1 - h);
                looSquared[a] += r * r;
            }
        }
        int best = 0;
        double[] looMse = new double[alphas.length];
        for (int a = 0; a < alphas.length; a++) {
            looMse[a] = looSquared[a] / n;
            if (looMse[a] < looMse[best]) {
                best = a;
            }
        }
        double[] coef = new double[d];
        for (int k = 0; k < m; k++) {
            double c = q[k] * inv[best][k];
            for (int j = 0; j < d; j++) {
                coef[j] += v[j][k] * c;
            }
        }
        double intercept = yMean;
        for (int j = 0; j < d; j++) {
            intercept -= mu[j] * coef[j];
        }
        return new RidgeModel(standardizer, coef, intercept, alphas, best, looMse);
    }

    /** The eigenpairs of the centred {@code XᵀX}, from the {@code d × d} matrix (more rows than features). */
    private static SymmetricEigen.Pairs primal(double[] aug, double[] mu, int n, int d) {
        int e = d + 1;
        double[][] gram = new double[d][d];
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < d; k++) {
                gram[j][k] = aug[j * e + k] - n * mu[j] * mu[k];
            }
        }
        SymmetricEigen eigen = SymmetricEigen.of(gram);
        return new SymmetricEigen.Pairs(eigen.values(), eigen.vectors());
    }

    /**
     * As {@link #primal}, from the {@code n × n} centred kernel when there are no more rows than features (e.g. 1,536
     * features of text pairs): the directions of zero eigenvalues (at least one, from centring) are left out, as they
     * add nothing to any fitted value, leverage or coefficient.
     */
    private static SymmetricEigen.Pairs dual(float[] data, double[] mu, int n, int d) {
        double[][] xc = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                xc[i][j] = data[i * d + j] - mu[j];
            }
        }
        return SymmetricEigen.ofGramViaKernel(xc);
    }
}
