package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogMeTest {

    @Test
    void eigenDecompositionReconstructsTheMatrix() {
        Random r = new Random(3);
        int n = 7;
        double[][] b = new double[n][n];
        for (double[] row : b) {
            for (int j = 0; j < n; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += b[k][i] * b[k][j];
                }
            }
        }
        SymmetricEigen e = SymmetricEigen.of(a);
        double[] d = e.values();
        double[][] v = e.vectors();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double rec = 0;
                for (int k = 0; k < n; k++) {
                    rec += v[i][k] * d[k] * v[j][k];
                }
                assertEquals(a[i][j], rec, 1e-9);
            }
        }
        for (int k = 1; k < n; k++) {
            assertTrue(d[k - 1] <= d[k], "ascending eigenvalues");
        }
    }

    /**
     * Reference: the evidence of y is log N(y; 0, α⁻¹FFᵀ + β⁻¹I), computed directly with an n×n
     * Cholesky factorisation and maximised over (α, β) by a fine grid search. LogME's fixed point
     * must reach the same maximum.
     */
    @Test
    void evidenceMatchesDirectMaximisationOnATinyProblem() {
        Random r = new Random(11);
        int n = 8;
        int dim = 3;
        double[][] f = new double[n][dim];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                f[i][j] = r.nextGaussian();
            }
            y[i] = 0.8 * f[i][0] - 0.5 * f[i][2] + 0.3 * r.nextGaussian();
        }
        double[][] gram = new double[dim][dim];
        for (double[] row : f) {
            for (int a = 0; a < dim; a++) {
                for (int b = 0; b < dim; b++) {
                    gram[a][b] += row[a] * row[b];
                }
            }
        }
        SymmetricEigen e = SymmetricEigen.of(gram);
        double logMe = LogMe.evidence(f, y, e.vectors(), e.values());

        double best = Double.NEGATIVE_INFINITY;
        for (double la = -6; la <= 6; la += 0.01) {
            for (double lb = -6; lb <= 6; lb += 0.01) {
                best = Math.max(best, directEvidence(f, y, Math.exp(la), Math.exp(lb)) / n);
            }
        }
        assertEquals(best, logMe, 2e-3, "LogME evidence vs direct maximum");
    }

    @Test
    void separableLabelsScoreHigherThanShuffledOnes() {
        Random r = new Random(5);
        int n = 120;
        int dim = 6;
        float[][] x = new float[n][dim];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < dim; j++) {
                x[i][j] = (float) (r.nextGaussian() + (j == labels[i] ? 3 : 0));
            }
        }
        int[] shuffled = labels.clone();
        for (int i = n - 1; i > 0; i--) {
            int k = r.nextInt(i + 1);
            int t = shuffled[i];
            shuffled[i] = shuffled[k];
            shuffled[k] = t;
        }
        double good = LogMe.score(x, labels, 3);
        double bad = LogMe.score(x, shuffled, 3);
        assertTrue(good > bad + 0.1, "separable " + good + " vs shuffled " + bad);
    }

    /**
     * Fewer rows than features (a ranking sample of text pairs): the score from the eigen-decomposition of the
     * {@code n × n} kernel is the one from the {@code D × D} Gram matrix (rows from four factors plus noise, some
     * repeated, so the rank is below n), and the public method takes that route. For 0/1 class targets, which these
     * rows fit exactly, the Gram route's round-off eigenvalues push the effective parameter count past n (NaN); the
     * kernel route, which keeps only the nonzero eigenvalues, gives a finite score.
     */
    @Test
    void theKernelRouteForFewerRowsThanFeaturesGivesTheGramRoutesScore() {
        Random r = new Random(5);
        int n = 24;
        int dim = 60;
        int factors = 4;
        double[][] loadings = new double[factors][dim];
        for (double[] l : loadings) {
            for (int j = 0; j < dim; j++) {
                l[j] = r.nextGaussian();
            }
        }
        double[][] f = new double[n][dim];
        double[] y = new double[n];
        double[][] classes = new double[2][n];
        float[][] asFloats = new float[n][dim];
        for (int i = 0; i < n; i++) {
            double[] z = new double[factors];
            for (int c = 0; c < factors; c++) {
                z[c] = r.nextGaussian() + (c == 0 ? 2 * (i % 2) : 0);
            }
            for (int j = 0; j < dim; j++) {
                double x = 0.3 * r.nextGaussian();
                for (int c = 0; c < factors; c++) {
                    x += z[c] * loadings[c][j];
                }
                f[i][j] = i >= 20 ? f[i - 10][j] : x;
                asFloats[i][j] = (float) f[i][j];
            }
            y[i] = z[1] - 0.5 * z[2] + 0.3 * r.nextGaussian();
            classes[0][i] = i % 2;
            classes[1][i] = 1 - i % 2;
        }
        double gram = LogMe.score(f, new double[][] {y}, false);
        double kernel = LogMe.score(f, new double[][] {y}, true);
        assertTrue(Double.isFinite(gram), "gram " + gram);
        assertEquals(gram, kernel, 1e-9 * Math.max(1, Math.abs(gram)), "kernel " + kernel + " vs gram " + gram);
        assertEquals(kernel, LogMe.score(asFloats, new double[][] {y}), 1e-5, "the public method's route");
        double fitted = LogMe.score(f, classes, true);
        assertTrue(Double.isFinite(fitted), "class targets: " + fitted);
    }

    @Test
    void invariantToRotationOfTheFeatures() {
        Random r = new Random(9);
        int n = 50;
        float[][] x = new float[n][2];
        float[][] rotated = new float[n][2];
        int[] labels = new int[n];
        double c = Math.cos(0.7);
        double s = Math.sin(0.7);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            x[i][0] = (float) (r.nextGaussian() + labels[i] * 2);
            x[i][1] = (float) r.nextGaussian();
            rotated[i][0] = (float) (c * x[i][0] - s * x[i][1]);
            rotated[i][1] = (float) (s * x[i][0] + c * x[i][1]);
        }
        assertEquals(LogMe.score(x, labels, 2), LogMe.score(rotated, labels, 2), 1e-5);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> LogMe.score(new float[0][], new int[0], 2));
        assertThrows(IllegalArgumentException.class, () -> LogMe.score(new float[][] {{1f}}, new int[] {2}, 2));
    }

    /** log N(y; 0, C) with C = α⁻¹FFᵀ + β⁻¹I. */
    private static double directEvidence(double[][] f, double[] y, double alpha, double beta) {
        int n = f.length;
        double[][] cov = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double t = 0;
                for (int k = 0; k < f[i].length; k++) {
                    t += f[i][k] * f[j][k];
                }
                cov[i][j] = t / alpha + (i == j ? 1 / beta : 0);
            }
        }
        double[][] l = new double[n][n]; // Cholesky
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = cov[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(sum) : sum / l[j][j];
            }
        }
        double[] z = new double[n];
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            double sum = y[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * z[k];
            }
            z[i] = sum / l[i][i];
            logDet += 2 * Math.log(l[i][i]);
        }
        double quad = 0;
        for (double zi : z) {
            quad += zi * zi;
        }
        return -0.5 * (n * Math.log(2 * Math.PI) + logDet + quad);
    }
}
