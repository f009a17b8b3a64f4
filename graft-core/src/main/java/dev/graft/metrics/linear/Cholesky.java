package dev.graft.metrics.linear;

/**
 * Cholesky factorisation {@code A = L·Lᵀ} of a symmetric positive definite matrix, and solves with it. Written here
 * because no linear-algebra library is among Graft's dependencies; O(n³/3).
 */
final class Cholesky {

    private final int n;
    /** Row i of L from its first column to the diagonal, packed: row i starts at {@code i(i+1)/2}. */
    private final double[] lower;
    /** Row i of Lᵀ from the diagonal to the last column, packed, so that both solves read memory in order. */
    private final double[] upper;

    private Cholesky(int n, double[] l) {
        this.n = n;
        this.lower = new double[n * (n + 1) / 2];
        this.upper = new double[n * (n + 1) / 2];
        for (int i = 0, o = 0; i < n; i++) {
            System.arraycopy(l, i * n, lower, o, i + 1);
            o += i + 1;
        }
        for (int i = 0, o = 0; i < n; i++) {
            for (int k = i; k < n; k++) {
                upper[o++] = l[k * n + i];
            }
        }
    }

    /**
     * Factors {@code a}.
     *
     * @param a n × n row-major, symmetric positive definite (only the lower triangle is read); not modified
     * @param n the size
     * @return the factorisation
     * @throws IllegalArgumentException if {@code a} is not positive definite
     */
    static Cholesky of(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            double s = a[rj + j];
            for (int k = 0; k < j; k++) {
                s -= l[rj + k] * l[rj + k];
            }
            if (!(s > 0)) {
                throw new IllegalArgumentException("matrix is not positive definite (pivot " + j + " is " + s + ")");
            }
            double djj = Math.sqrt(s);
            l[rj + j] = djj;
            for (int i = j + 1; i < n; i++) {
                int ri = i * n;
                double t = a[ri + j];
                for (int k = 0; k < j; k++) {
                    t -= l[ri + k] * l[rj + k];
                }
                l[ri + j] = t / djj;
            }
        }
        return new Cholesky(n, l);
    }

    /**
     * Solves {@code A·x = b} for {@code count} consecutive blocks of n starting at {@code off}, in place: each row of
     * the factor is read once for all blocks, in memory order (the same arithmetic, in the same order, for every
     * block).
     *
     * @param b     the right-hand sides, overwritten with the solutions
     * @param off   where the first block starts
     * @param count how many blocks
     */
    void solveBlocksInPlace(double[] b, int off, int count) {
        for (int i = 0, ri = 0; i < n; ri += ++i) {
            for (int c = 0, base = off; c < count; c++, base += n) {
                double s = b[base + i];
                for (int k = 0; k < i; k++) {
                    s -= lower[ri + k] * b[base + k];
                }
                b[base + i] = s / lower[ri + i];
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            int ui = i * n - i * (i - 1) / 2; // rows 0..i-1 of the packed upper triangle hold n, n-1, ... entries
            for (int c = 0, base = off; c < count; c++, base += n) {
                double s = b[base + i];
                for (int k = i + 1; k < n; k++) {
                    s -= upper[ui + k - i] * b[base + k];
                }
                b[base + i] = s / upper[ui];
            }
        }
    }

    /**
     * The inverse of the factor, {@code L⁻¹} (lower triangular), n × n row-major: {@code A⁻¹ = L⁻ᵀ·L⁻¹}, so that a
     * solve becomes two matrix products.
     *
     * @return the inverse factor
     */
    double[] inverseFactor() {
        double[] m = new double[n * n];
        double[] col = new double[n];
        for (int j = 0; j < n; j++) {
            // column j of L⁻¹: forward substitution of L·x = e_j, which is zero above row j
            for (int i = j, ri = i * (i + 1) / 2; i < n; ri += ++i) {
                double s = i == j ? 1 : 0;
                for (int k = j; k < i; k++) {
                    s -= lower[ri + k] * col[k];
                }
                col[i] = s / lower[ri + i];
                m[i * n + j] = col[i];
            }
        }
        return m;
    }
}
