package dev.graft.metrics.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RidgeRegressionTest {

    // Reference from scikit-learn 1.2.1 on LogisticRegressionTest.features(40), standardised:
    //   t = 1.5*X[:,0] - 0.7*X[:,1] + 0.3*X[:,2] + ((i*13) % 7 - 3)*0.4 + 2.0
    //   RidgeCV(alphas=[0.01, 0.1, 1, 10, 100], store_cv_values=True).fit(Z, t)
    //     alpha_ 0.1, coef_ [2.37767375049, -0.783873815306, 0.263256536527], intercept_ 1.068125005364418
    //     cv_values_.mean(axis=0) [0.797029007817, 0.796687524994, 0.797708144844, 1.079014197924, 4.338010296402]
    @Test
    void matchesScikitLearnRidgeCv() {
        float[][] x = LogisticRegressionTest.features(40);
        double[] t = new double[40];
        for (int i = 0; i < 40; i++) {
            t[i] = 1.5 * x[i][0] - 0.7 * x[i][1] + 0.3 * x[i][2] + ((i * 13) % 7 - 3) * 0.4 + 2.0;
        }
        RidgeModel m = RidgeRegression.fit(x, t, new double[] {0.01, 0.1, 1, 10, 100});
        assertEquals(0.1, m.alpha());
        assertArrayEquals(new double[] {0.797029007817, 0.796687524994, 0.797708144844, 1.079014197924,
            4.338010296402}, m.leaveOneOutMse(), 1e-6);
        assertArrayEquals(new double[] {2.37767375049, -0.783873815306, 0.263256536527}, m.coefficients(), 1e-6);
        assertEquals(1.068125005364418, m.intercept(), 1e-6);
    }

    @Test
    void leaveOneOutErrorEqualsRefittingWithoutEachExample() {
        leaveOneOutAndCoefficientsByBruteForce(25, 3);
    }

    /** No more rows than features (1,536 features of 96 text pairs, say): the kernel route gives the same fit. */
    @Test
    void withFewerRowsThanFeaturesTheFitIsTheSame() {
        leaveOneOutAndCoefficientsByBruteForce(12, 30);
        leaveOneOutAndCoefficientsByBruteForce(20, 20);
    }

    private static void leaveOneOutAndCoefficientsByBruteForce(int n, int d) {
        Random r = new Random(4);
        float[][] x = new float[n][d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) r.nextGaussian();
            }
            y[i] = x[i][0] - 2 * x[i][2] + 0.5 * r.nextGaussian();
        }
        double alpha = 3;
        RidgeModel all = RidgeRegression.fit(x, y, new double[] {alpha});
        // brute force on the same standardised features (standardised once, with all rows, as RidgeCV does)
        double[] mean = all.standardizer().mean(), scale = all.standardizer().scale();
        double sq = 0;
        for (int out = -1; out < n; out++) {
            double[][] a = new double[d + 1][d + 1];
            double[] rhs = new double[d + 1];
            for (int i = 0; i < n; i++) {
                if (i == out) {
                    continue;
                }
                double[] row = standardised(x[i], mean, scale);
                for (int j = 0; j <= d; j++) {
                    for (int k = 0; k <= d; k++) {
                        a[j][k] += row[j] * row[k];
                    }
                    rhs[j] += row[j] * y[i];
                }
            }
            for (int j = 0; j < d; j++) {
                a[j][j] += alpha; // the intercept (last) is not penalised
            }
            double[] beta = solve(a, rhs);
            if (out < 0) {
                // all rows: the coefficients and intercept of the fit
                assertArrayEquals(java.util.Arrays.copyOf(beta, d), all.coefficients(), 1e-8, n + " x " + d);
                assertEquals(beta[d], all.intercept(), 1e-8);
                continue;
            }
            double[] row = standardised(x[out], mean, scale);
            double pred = 0;
            for (int j = 0; j <= d; j++) {
                pred += beta[j] * row[j];
            }
            sq += (y[out] - pred) * (y[out] - pred);
        }
        assertEquals(sq / n, all.leaveOneOutMse()[0], 1e-9, n + " x " + d);
    }

    @Test
    void predictsAndRefusesBadInput() {
        float[][] x = {{1}, {2}, {3}, {4}};
        RidgeModel m = RidgeRegression.fit(x, new double[] {3, 5, 7, 9}, new double[] {1e-9});
        assertArrayEquals(new double[] {11, 1}, m.predict(new float[][] {{5}, {0}}), 1e-6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RidgeRegression.fit(x, new double[] {1, 2, 3}, RidgeRegression.defaultAlphas()));
        assertTrue(e.getMessage().contains("y has 3 values but x has 4 rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RidgeRegression.fit(x, new double[] {1, 2, 3, 4}, new double[] {0}));
        assertTrue(e.getMessage().contains("alphas[0] is 0.0"), e.getMessage());
    }

    private static double[] standardised(float[] x, double[] mean, double[] scale) {
        double[] row = new double[x.length + 1];
        for (int j = 0; j < x.length; j++) {
            row[j] = (float) ((x[j] - mean[j]) / scale[j]);
        }
        row[x.length] = 1;
        return row;
    }

    /** Gaussian elimination with partial pivoting. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            double tb = b[c];
            b[c] = b[p];
            b[p] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
