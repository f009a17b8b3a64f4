package dev.graft.strategy.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CORAL gives source features the target's mean and covariance; the Newton–Schulz roots are roots. */
class CoralTest {

    /** {@code n} rows of {@code z·L + mean} for standard normal z: covariance LᵀL. */
    private static float[][] correlated(int n, double[][] l, double[] mean, long seed) {
        Random r = new Random(seed);
        int d = mean.length;
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int k = 0; k < d; k++) {
                z[k] = r.nextGaussian();
            }
            for (int j = 0; j < d; j++) {
                double v = mean[j];
                for (int k = 0; k < d; k++) {
                    v += z[k] * l[k][j];
                }
                x[i][j] = (float) v;
            }
        }
        return x;
    }

    @Test
    void alignedSourceHasTheTargetsCovarianceAndMean() {
        double[][] ls = {{1, 0, 0, 0}, {0.5, 2, 0, 0}, {0, 0, 0.3, 0}, {0.2, 0, 0, 1}};
        double[][] lt = {{3, 1, 0, 0}, {0, 0.5, 0, 0}, {0, 0.4, 1, 0}, {0, 0, 0.6, 0.2}};
        float[][] source = correlated(3000, ls, new double[] {1, 2, 3, 4}, 1);
        float[][] target = correlated(2000, lt, new double[] {-1, 0, 5, 2}, 2);
        Coral coral = Coral.fit(source, target, 1e-6);
        float[][] aligned = coral.apply(source);
        double[][] ca = Coral.covarianceOf(aligned);
        double[][] ct = Coral.covarianceOf(target);
        double[][] cs = Coral.covarianceOf(source);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(ct[i][j], ca[i][j], 1e-3 * (1 + Math.abs(ct[i][j])), "covariance [" + i + "][" + j + "]");
            }
        }
        assertEquals(true, Math.abs(cs[0][0] - ct[0][0]) > 1, "the test needs different covariances");
        double[] meanA = new double[4];
        double[] meanT = new double[4];
        for (float[] r : aligned) {
            for (int j = 0; j < 4; j++) {
                meanA[j] += r[j] / aligned.length;
            }
        }
        for (float[] r : target) {
            for (int j = 0; j < 4; j++) {
                meanT[j] += r[j] / target.length;
            }
        }
        for (int j = 0; j < 4; j++) {
            assertEquals(meanT[j], meanA[j], 1e-3);
        }
    }

    @Test
    void newtonSchulzRootsSquareBackAndInvert() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] a = {4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 0.1};
            NDArray spd = m.create(a, new Shape(3, 3));
            NDArray[] roots = Coral.sqrtAndInverseSqrt(spd);
            double[] back = roots[0].matMul(roots[0]).toDoubleArray();
            double[] identity = roots[0].matMul(roots[1]).toDoubleArray();
            for (int i = 0; i < 9; i++) {
                assertEquals(a[i], back[i], 1e-8);
                assertEquals(i % 4 == 0 ? 1 : 0, identity[i], 1e-8);
            }
        }
    }

    @Test
    void badInputIsRefused() {
        float[][] two = {{1, 2}, {3, 4}};
        assertThrows(IllegalArgumentException.class, () -> Coral.fit(new float[][] {{1, 2}}, two, 1));
        assertThrows(IllegalArgumentException.class, () -> Coral.fit(two, new float[][] {{1, 2, 3}, {4, 5, 6}}, 1));
        assertThrows(IllegalArgumentException.class, () -> Coral.fit(two, two, 0));
    }
}
