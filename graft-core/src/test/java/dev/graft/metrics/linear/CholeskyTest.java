package dev.graft.metrics.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CholeskyTest {

    /** A random symmetric positive definite n × n matrix: BᵀB + I. */
    private static double[] spd(int n, Random r) {
        double[] b = new double[n * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextGaussian();
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = i == j ? 1 : 0;
                for (int k = 0; k < n; k++) {
                    s += b[k * n + i] * b[k * n + j];
                }
                a[i * n + j] = s;
            }
        }
        return a;
    }

    @Test
    void solvesEveryBlockAndEachBlockAsIfAlone() {
        int n = 37, blocks = 4;
        Random r = new Random(7);
        double[] a = spd(n, r);
        Cholesky chol = Cholesky.of(a, n);
        double[] rhs = new double[n * blocks];
        for (int i = 0; i < rhs.length; i++) {
            rhs[i] = r.nextGaussian();
        }
        double[] together = rhs.clone();
        chol.solveBlocksInPlace(together, 0, blocks);
        for (int c = 0; c < blocks; c++) {
            double[] alone = rhs.clone();
            chol.solveBlocksInPlace(alone, c * n, 1);
            for (int i = 0; i < n; i++) {
                assertEquals(alone[c * n + i], together[c * n + i], 0.0, "block " + c + " row " + i);
                double ax = 0;
                for (int j = 0; j < n; j++) {
                    ax += a[i * n + j] * together[c * n + j];
                }
                assertEquals(rhs[c * n + i], ax, 1e-9, "A·x = b, block " + c + " row " + i);
            }
        }
    }

    @Test
    void solvesASmallSystemByHand() {
        // A = [[4, 2], [2, 3]] = L·Lᵀ with L = [[2, 0], [1, √2]]; A·[1, 2] = [8, 8]
        double[] b = {8, 8};
        Cholesky.of(new double[] {4, 2, 2, 3}, 2).solveBlocksInPlace(b, 0, 1);
        assertArrayEquals(new double[] {1, 2}, b, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Cholesky.of(new double[] {1, 2, 2, 1}, 2));
    }
}
