package dev.graft.metrics.linear;

/**
 * Cholesky factorisation {@code A = L·Lᵀ} of a symmetric positive definite matrix, and solves with it. Written here
 * because no linear-algebra library is among Graft's dependencies; O(n³/3).
 */
final class Cholesky {

    private final int n;
    private final double[] l;

    private Cholesky(int n, double[] l) {
        this.n = n;
        this.l = l;
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
     * Solves {@code A·x = b} for the block {@code b[off .. off+n)}, in place.
     *
     * @param b   the right-hand side, overwritten with the solution
     * @param off where the block starts
     */
    void solveInPlace(double[] b, int off) {
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            double s = b[off + i];
            for (int k = 0; k < i; k++) {
                s -= l[ri + k] * b[off + k];
            }
            b[off + i] = s / l[ri + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = b[off + i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * b[off + k];
            }
            b[off + i] = s / l[i * n + i];
        }
    }
}
