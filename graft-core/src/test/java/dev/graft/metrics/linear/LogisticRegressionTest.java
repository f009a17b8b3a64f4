package dev.graft.metrics.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reference values from scikit-learn 1.2.1 (Debian python3-sklearn) on the same data:
 * <pre>
 * def features(n):
 *     i = np.arange(n)
 *     return np.stack([((i*7) % 11) / 2.0 - 2.5, ((i*5 + 3) % 13) / 4.0,
 *                      (i % 4) * 0.75 - ((i*3) % 5) * 0.5], axis=1).astype(np.float32)
 * X = features(40); Z = StandardScaler().fit_transform(X.astype(np.float64)); i = np.arange(40)
 * y = (((i*7) % 11 + (i*5+3) % 13 + 3*(i % 4)) % 10 >= 5).astype(int)
 * LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(Z, y)
 *     coef [-0.89723847611, -0.094057595307, -0.161649517965], intercept 0.483774063764
 * folds = [1,4,0,1,1,0,4,2,2,0,2,3,1,1,4,0,0,0,0,1,2,4,3,3,2,2,4,3,3,0,2,1,4,2,1,3,3,4,3,4]  (Folds.shuffled(40, 5, 3))
 * LogisticRegressionCV(Cs=[0.01, 0.1, 1, 10], cv=PredefinedSplit(folds), scoring='neg_log_loss', tol=1e-12,
 *                      max_iter=100000).fit(Z, y)
 *     C_ 0.1, mean log loss [0.687815681457, 0.651120035213, 0.664262200774, 0.694715994277],
 *     coef [-0.440751672827, -0.040792135729, -0.061688090601], intercept 0.424715391704
 * the same with scoring='accuracy': C_ 1.0, mean accuracy [0.6, 0.6, 0.625, 0.6]
 * X3 = features(60); Z3 = StandardScaler().fit_transform(X3.astype(np.float64)); j = np.arange(60)
 * c3 = ((j*7) % 11 + 2*(j % 4)) % 3
 * LogisticRegression(C=0.5, tol=1e-12, max_iter=100000).fit(Z3, c3)   (multinomial)
 *     coef [[-0.113276923343, -0.079658631731, -0.017889897338],
 *           [ 0.094745210172, -0.087091568392, -0.132898094421],
 *           [ 0.018531713172,  0.166750200123,  0.150787991759]]
 *     intercept - mean(intercept) [0.01137569098, 0.101924991653, -0.113300682632]
 *     predict_proba rows 0, 1: [0.419685151086, 0.337476993376, 0.242837855538],
 *                              [0.301521424752, 0.410201316357, 0.28827725889]
 * f3 = Folds.stratified(c3, 3, 4, 5) (see below)
 * LogisticRegressionCV(Cs=[0.01, 0.1, 1, 10], cv=PredefinedSplit(f3), scoring='neg_log_loss', ...).fit(Z3, c3)
 *     C_ 0.01, mean log loss [1.10924901553, 1.162965974064, 1.221292282647, 1.233862082782]
 * </pre>
 * scikit-learn's lbfgs stops early (SciPy's default ftol; at its C=1 solution the largest gradient entry is 4.8e-5),
 * so its coefficients are compared within 1e-5, and the exact optima, from Newton's method in NumPy iterated to a
 * gradient below 1e-15 (the script is in the comment of {@link #EXACT_BINARY}), within 1e-7.
 */
class LogisticRegressionTest {

    static float[][] features(int n) {
        float[][] x = new float[n][3];
        for (int i = 0; i < n; i++) {
            x[i][0] = (float) (((i * 7) % 11) / 2.0 - 2.5);
            x[i][1] = (float) (((i * 5 + 3) % 13) / 4.0);
            x[i][2] = (float) ((i % 4) * 0.75 - ((i * 3) % 5) * 0.5);
        }
        return x;
    }

    static boolean[] binaryLabels(int n) {
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            y[i] = ((i * 7) % 11 + (i * 5 + 3) % 13 + 3 * (i % 4)) % 10 >= 5;
        }
        return y;
    }

    static int[] classes(int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = ((i * 7) % 11 + 2 * (i % 4)) % 3;
        }
        return c;
    }

    private static final double[] GRID = {0.01, 0.1, 1, 10};

    /**
     * Exact optimum of {@code C·Σ loss + ½‖w‖²}, C = 1, weights then intercept:
     * <pre>
     * def newton_binary(Z, y, C):
     *     A = np.hstack([Z, np.ones((len(Z), 1))]); w = np.zeros(A.shape[1]); P = np.eye(A.shape[1]); P[-1, -1] = 0
     *     for _ in range(50):
     *         p = 1 / (1 + np.exp(-A @ w)); g = C * A.T @ (p - y) + P @ w
     *         H = C * (A.T * (p * (1 - p))) @ A + P; w -= np.linalg.solve(H, g)
     *     return w
     * def newton_multi(Z, c, K, C):   # intercepts centred afterwards
     *     n, d = Z.shape; A = np.hstack([Z, np.ones((n, 1))]); Y = np.eye(K)[c]; W = np.zeros((d + 1, K))
     *     pen = np.ones(d + 1); pen[-1] = 0
     *     for _ in range(50):
     *         S = A @ W; S -= S.max(1, keepdims=True); P = np.exp(S); P /= P.sum(1, keepdims=True)
     *         G = C * A.T @ (P - Y) + pen[:, None] * W
     *         H = np.zeros(((d + 1) * K, (d + 1) * K))
     *         for a in range(K):
     *             for b in range(K):
     *                 wgt = P[:, a] * ((a == b) - P[:, b])
     *                 H[a::K, b::K] = C * (A.T * wgt) @ A + (np.diag(pen) if a == b else 0)
     *         W -= np.linalg.lstsq(H, G.ravel(), rcond=None)[0].reshape(d + 1, K)
     *     return W[:-1].T, W[-1] - W[-1].mean()
     * </pre>
     */
    private static final double[] EXACT_BINARY = {-0.897237250513, -0.094057234393, -0.161654878669, 0.483776177644};
    /** {@code newton_binary(Z, y, 0.1)}: the refit at the C that cross-validation chooses. */
    private static final double[] EXACT_BINARY_C01 = {-0.440753914644, -0.040743161957, -0.061714351659,
        0.424710601701};
    /** {@code newton_multi(Z3, c3, 3, 0.5)}: coefficients per class, then the centred intercepts. */
    private static final double[][] EXACT_MULTI = {{-0.113277687092, -0.079658349754, -0.017891452713},
        {0.094744783956, -0.087093272663, -0.132897867317}, {0.018532903136, 0.166751622417, 0.15078932003},
        {0.011375420697, 0.101925136546, -0.113300557243}};

    @Test
    void binaryFixedCMatchesScikitLearnAndIsStationary() {
        float[][] x = features(40);
        boolean[] y = binaryLabels(40);
        LinearClassifier m = LogisticRegression.fitBinary(x, y, LogisticRegression.Settings.fixed(1.0));
        assertArrayEquals(new double[] {-0.89723847611, -0.094057595307, -0.161649517965}, m.coefficients()[0], 1e-5);
        assertEquals(0.483774063764, m.intercepts()[0], 1e-5);
        assertArrayEquals(java.util.Arrays.copyOf(EXACT_BINARY, 3), m.coefficients()[0], 1e-7);
        assertEquals(EXACT_BINARY[3], m.intercepts()[0], 1e-7);
        assertTrue(m.fits().get(0).converged());
        // gradient of C·Σ loss + ½‖w‖² at the solution, computed here from the standardised features
        double[] g = gradient(m, x, y, 1.0);
        for (double v : g) {
            assertEquals(0, v, 1e-6);
        }
    }

    @Test
    void separableDataStaysFiniteAndStationary() {
        float[][] x = new float[20][2];
        boolean[] y = new boolean[20];
        for (int i = 0; i < 20; i++) {
            x[i][0] = i - 9.5f;
            x[i][1] = (i * 3) % 7;
            y[i] = i >= 10;
        }
        LinearClassifier m = LogisticRegression.fitBinary(x, y, LogisticRegression.Settings.fixed(100));
        for (double v : gradient(m, x, y, 100)) {
            assertEquals(0, v, 1e-5);
        }
        float[][] p = m.probabilities(new float[][] {{-9.5f, 0}, {9.5f, 0}});
        assertTrue(p[0][0] < 0.01 && p[1][0] > 0.99, p[0][0] + " " + p[1][0]);
    }

    @Test
    void crossValidationChoosesCAsScikitLearn() {
        float[][] x = features(40);
        boolean[] y = binaryLabels(40);
        LogisticRegression.Settings s = new LogisticRegression.Settings(GRID, 5, Scoring.LOG_LOSS, 3, 1e-9, 5000);
        LinearClassifier m = LogisticRegression.fitBinary(x, y, s);
        LinearClassifier.Fit fit = m.fits().get(0);
        assertEquals(0.1, fit.chosenC());
        assertArrayEquals(new double[] {0.687815681457, 0.651120035213, 0.664262200774, 0.694715994277},
                fit.meanScores(), 1e-6);
        assertArrayEquals(new double[] {-0.440751672827, -0.040792135729, -0.061688090601}, m.coefficients()[0],
                1e-4);
        assertEquals(0.424715391704, m.intercepts()[0], 1e-5);
        assertArrayEquals(java.util.Arrays.copyOf(EXACT_BINARY_C01, 3), m.coefficients()[0], 1e-7);
        assertEquals(EXACT_BINARY_C01[3], m.intercepts()[0], 1e-7);

        LogisticRegression.Settings acc = new LogisticRegression.Settings(GRID, 5, Scoring.ACCURACY, 3, 1e-9, 5000);
        LinearClassifier.Fit byAccuracy = LogisticRegression.fitBinary(x, y, acc).fits().get(0);
        assertEquals(1.0, byAccuracy.chosenC());
        assertArrayEquals(new double[] {0.6, 0.6, 0.625, 0.6}, byAccuracy.meanScores(), 1e-12);
    }

    @Test
    void patienceStopsTheWalkPastTheBestCAndChoosesTheSameC() {
        float[][] x = features(40);
        boolean[] y = binaryLabels(40);
        LinearClassifier.Fit whole = LogisticRegression.fitBinary(x, y,
                new LogisticRegression.Settings(GRID, 5, Scoring.LOG_LOSS, 3, 1e-9, 5000)).fits().get(0);
        LinearClassifier.Fit patient = LogisticRegression.fitBinary(x, y,
                new LogisticRegression.Settings(GRID, 5, Scoring.LOG_LOSS, 3, 1e-9, 5000, 1)).fits().get(0);
        assertEquals(whole.chosenC(), patient.chosenC());
        double[] all = whole.meanScores(), some = patient.meanScores();
        for (int i = 0; i < GRID.length; i++) {
            if (!Double.isNaN(some[i])) {
                assertEquals(all[i], some[i], 1e-9, "a C every fold reached scores as on the whole grid");
            }
        }
        // the mean rises from C = 0.1 to 1, so some fold got worse there and stopped: C = 10 is not reached by all
        assertTrue(Double.isNaN(some[3]), java.util.Arrays.toString(some));
        assertEquals(2, LogisticRegression.Settings.defaults(1).patience());
        assertThrows(IllegalArgumentException.class,
                () -> new LogisticRegression.Settings(GRID, 5, Scoring.LOG_LOSS, 0, 1e-5, 10, -1));
    }

    @Test
    void multinomialMatchesScikitLearn() {
        float[][] x = features(60);
        int[] c = classes(60);
        LinearClassifier m = LogisticRegression.fitMultinomial(x, c, 3, LogisticRegression.Settings.fixed(0.5));
        double[][] expected = {{-0.113276923343, -0.079658631731, -0.017889897338},
            {0.094745210172, -0.087091568392, -0.132898094421}, {0.018531713172, 0.166750200123, 0.150787991759}};
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(expected[k], m.coefficients()[k], 1e-5);
            assertArrayEquals(EXACT_MULTI[k], m.coefficients()[k], 1e-7);
        }
        assertArrayEquals(new double[] {0.01137569098, 0.101924991653, -0.113300682632}, m.intercepts(), 1e-5);
        assertArrayEquals(EXACT_MULTI[3], m.intercepts(), 1e-7);
        float[][] p = m.probabilities(new float[][] {x[0], x[1]});
        assertArrayEquals(new float[] {0.419685151086f, 0.337476993376f, 0.242837855538f}, p[0], 1e-5f);
        assertArrayEquals(new float[] {0.301521424752f, 0.410201316357f, 0.28827725889f}, p[1], 1e-5f);

        LogisticRegression.Settings s = new LogisticRegression.Settings(GRID, 4, Scoring.LOG_LOSS, 5, 1e-9, 5000);
        LinearClassifier.Fit fit = LogisticRegression.fitMultinomial(x, c, 3, s).fits().get(0);
        assertEquals(0.01, fit.chosenC());
        assertArrayEquals(new double[] {1.10924901553, 1.162965974064, 1.221292282647, 1.233862082782},
                fit.meanScores(), 1e-5);
        // exact: per fold and C, newton_multi on the training rows and sklearn's log_loss on the held-out rows
        assertArrayEquals(new double[] {1.109249012397, 1.162965048579, 1.221294382548, 1.233861820242},
                fit.meanScores(), 1e-7);
    }

    @Test
    void foldsAreTheOnesTheReferenceUsed() {
        assertArrayEquals(new int[] {1, 4, 0, 1, 1, 0, 4, 2, 2, 0, 2, 3, 1, 1, 4, 0, 0, 0, 0, 1, 2, 4, 3, 3, 2, 2, 4,
            3, 3, 0, 2, 1, 4, 2, 1, 3, 3, 4, 3, 4}, Folds.shuffled(40, 5, 3));
        int[] f3 = Folds.stratified(classes(60), 3, 4, 5);
        assertArrayEquals(new int[] {0, 3, 3, 0, 0, 3, 3, 3, 3, 1, 1, 0, 1, 2, 0, 1, 0, 2, 1, 2, 0, 2, 0, 0, 2, 3, 1,
            3, 2, 2, 3, 3, 0, 0, 3, 0, 2, 1, 2, 3, 2, 0, 3, 0, 1, 3, 1, 1, 2, 1, 3, 2, 2, 2, 1, 1, 0, 2, 1, 1}, f3);
        int[][] perClass = new int[3][4];
        int[] c = classes(60);
        for (int i = 0; i < 60; i++) {
            perClass[c[i]][f3[i]]++;
        }
        for (int[] row : perClass) {
            int min = Integer.MAX_VALUE, max = 0;
            for (int v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertTrue(max - min <= 1, "fold shares of a class differ by more than one");
        }
    }

    @Test
    void oneVsRestFitsEachLabelLikeABinaryModel() {
        Random r = new Random(9);
        int n = 300;
        float[][] x = new float[n][4];
        boolean[][] y = new boolean[n][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                x[i][j] = (float) r.nextGaussian();
            }
            y[i][0] = r.nextDouble() < Target.sigmoid(1.5 * x[i][0] - x[i][1]);
            y[i][1] = r.nextDouble() < Target.sigmoid(-0.5 + 2 * x[i][2]);
        }
        LogisticRegression.Settings s = LogisticRegression.Settings.defaults(1);
        LinearClassifier both = LogisticRegression.fitOneVsRest(x, y, s);
        assertEquals(2, both.outputs());
        for (int l = 0; l < 2; l++) {
            boolean[] column = new boolean[n];
            for (int i = 0; i < n; i++) {
                column[i] = y[i][l];
            }
            LinearClassifier alone = LogisticRegression.fitBinary(x, column, s);
            assertEquals(alone.fits().get(0).chosenC(), both.fits().get(l).chosenC());
            assertArrayEquals(alone.fits().get(0).meanScores(), both.fits().get(l).meanScores(), 1e-6);
            assertArrayEquals(alone.coefficients()[0], both.coefficients()[l], 1e-4);
        }
        // the signal is where it was planted
        double[][] w = both.coefficients();
        assertTrue(w[0][0] > 0.5 && w[0][1] < -0.3 && Math.abs(w[0][3]) < 0.3, java.util.Arrays.toString(w[0]));
        assertTrue(w[1][2] > 0.8 && Math.abs(w[1][0]) < 0.3, java.util.Arrays.toString(w[1]));
        // same input, same model
        assertArrayEquals(w[1], LogisticRegression.fitOneVsRest(x, y, s).coefficients()[1]);
    }

    @Test
    void refusesBadInput() {
        float[][] x = features(10);
        boolean[] none = new boolean[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.fitBinary(x, none, LogisticRegression.Settings.defaults(0)));
        assertTrue(e.getMessage().contains("label 0 is never set"), e.getMessage());
        x[4][1] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.fitBinary(x, binaryLabels(10), LogisticRegression.Settings.defaults(0)));
        assertTrue(e.getMessage().contains("x[4][1] is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.fitMultinomial(features(10), new int[10], 1, LogisticRegression.Settings.defaults(0)));
        assertTrue(e.getMessage().contains("numClasses is 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LogisticRegression.Settings(new double[] {1, -1}, 5, Scoring.LOG_LOSS, 0, 1e-5, 10));
        assertTrue(e.getMessage().contains("cs[1] is -1.0"), e.getMessage());
        LinearClassifier m = LogisticRegression.fitBinary(features(10), binaryLabels(10),
                LogisticRegression.Settings.fixed(1));
        e = assertThrows(IllegalArgumentException.class, () -> m.probabilities(new float[][] {{1, 2}}));
        assertTrue(e.getMessage().contains("x has 2 features per row but the model was trained on 3"), e.getMessage());
    }

    /** ∇ of {@code C·Σ loss + ½‖w‖²} (intercept unpenalised) at the model's solution. */
    private static double[] gradient(LinearClassifier m, float[][] x, boolean[] y, double c) {
        double[] mean = m.standardizer().mean(), scale = m.standardizer().scale();
        double[] w = m.coefficients()[0];
        double b = m.intercepts()[0];
        int d = w.length;
        double[] g = new double[d + 1];
        for (int i = 0; i < x.length; i++) {
            double z = b;
            double[] s = new double[d];
            for (int j = 0; j < d; j++) {
                s[j] = (float) ((x[i][j] - mean[j]) / scale[j]);
                z += s[j] * w[j];
            }
            double r = Target.sigmoid(z) - (y[i] ? 1 : 0);
            for (int j = 0; j < d; j++) {
                g[j] += c * r * s[j];
            }
            g[d] += c * r;
        }
        for (int j = 0; j < d; j++) {
            g[j] += w[j];
        }
        return g;
    }
}
