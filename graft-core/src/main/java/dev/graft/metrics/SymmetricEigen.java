package dev.graft.metrics;

/**
 * Eigen-decomposition of a real symmetric matrix, {@code A = V·diag(d)·Vᵀ}: Householder reduction
 * to tridiagonal form followed by the implicit QL algorithm (the EISPACK tred2/tql2 routines as in
 * the public-domain JAMA library). O(n³); a 1280×1280 matrix takes a few seconds.
 */
public final class SymmetricEigen {

    private final int n;
    private final double[] d;
    private final double[] e;
    private final double[][] v;

    private SymmetricEigen(double[][] a) {
        n = a.length;
        v = new double[n][];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix is not square: row " + i + " has " + a[i].length + " entries, expected " + n);
            }
            v[i] = a[i].clone();
        }
        d = new double[n];
        e = new double[n];
        if (n > 0) {
            tred2();
            tql2();
        }
    }

    /** Decomposes {@code a} (symmetric; only its values are read, it is not modified). */
    public static SymmetricEigen of(double[][] a) {
        return new SymmetricEigen(a);
    }

    /**
     * Eigenpairs with eigenvalues {@code values} (ascending) and eigenvectors as the columns of {@code vectors}
     * ({@code vectors[i][k]} is entry i of the eigenvector of {@code values[k]}).
     *
     * @param values  eigenvalues
     * @param vectors eigenvectors, as columns
     */
    public record Pairs(double[] values, double[][] vectors) {
    }

    /**
     * The eigenpairs of {@code FᵀF} ({@code d × d}) that have a nonzero eigenvalue, for the rows {@code f}
     * ({@code n × d}), computed from the {@code n × n} kernel {@code FFᵀ = W·diag(s)·Wᵀ}: the nonzero eigenvalues of the
     * two are the same, and {@code Fᵀw/√s} are the eigenvectors of {@code FᵀF}. O(n²·d + n³) instead of
     * O(n·d² + d³), for when there are fewer rows than features (96 text pairs with 1,536 pair features). Eigenvalues at
     * most 1e-12 of the largest count as zero (round-off) and are left out.
     */
    public static Pairs ofGramViaKernel(double[][] f) {
        int n = f.length;
        int dim = n == 0 ? 0 : f[0].length;
        double[][] kernel = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l <= i; l++) {
                double t = 0;
                for (int j = 0; j < dim; j++) {
                    t += f[i][j] * f[l][j];
                }
                kernel[i][l] = t;
                kernel[l][i] = t;
            }
        }
        SymmetricEigen eig = of(kernel);
        double top = 0;
        for (double x : eig.d) {
            top = Math.max(top, x);
        }
        int kept = 0;
        for (double x : eig.d) {
            kept += x > 1e-12 * top ? 1 : 0;
        }
        double[] values = new double[kept];
        double[][] vectors = new double[dim][kept];
        int a = 0;
        for (int c = 0; c < n; c++) {
            if (eig.d[c] <= 1e-12 * top) {
                continue;
            }
            values[a] = eig.d[c];
            double inv = 1 / Math.sqrt(eig.d[c]);
            for (int i = 0; i < n; i++) {
                double w = eig.v[i][c] * inv;
                if (w == 0) {
                    continue;
                }
                double[] row = f[i];
                for (int j = 0; j < dim; j++) {
                    vectors[j][a] += row[j] * w;
                }
            }
            a++;
        }
        return new Pairs(values, vectors);
    }

    /** Eigenvalues in ascending order. */
    public double[] values() {
        return d.clone();
    }

    /** Eigenvectors as columns: {@code vectors()[i][k]} is entry i of the eigenvector of {@code values()[k]}. */
    public double[][] vectors() {
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = v[i].clone();
        }
        return out;
    }

    private void tred2() {
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
        }
        for (int i = n - 1; i > 0; i--) {
            double scale = 0.0;
            double h = 0.0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0.0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                    v[j][i] = 0.0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) {
                    g = -g;
                }
                e[i] = scale * g;
                h = h - f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) {
                    e[j] = 0.0;
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0.0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) {
                        v[k][j] -= (f * e[k] + g * d[k]);
                    }
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1.0;
            double h = d[i + 1];
            if (h != 0.0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[k][i + 1] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = 0.0;
                    for (int k = 0; k <= i; k++) {
                        g += v[k][i + 1] * v[k][j];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[k][j] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[k][i + 1] = 0.0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0.0;
        }
        v[n - 1][n - 1] = 1.0;
        e[0] = 0.0;
    }

    private void tql2() {
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0.0;
        double f = 0.0;
        double tst1 = 0.0;
        double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n) {
                if (Math.abs(e[m]) <= eps * tst1) {
                    break;
                }
                m++;
            }
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > 300) {
                        throw new ArithmeticException("eigenvalue iteration did not converge (matrix with NaN or infinite entries?)");
                    }
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Math.hypot(p, 1.0);
                    if (p < 0) {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) {
                        d[i] -= h;
                    }
                    f = f + h;
                    p = d[m];
                    double c = 1.0;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0.0;
                    double s2 = 0.0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        for (int k = 0; k < n; k++) {
                            h = v[k][i + 1];
                            v[k][i + 1] = s * v[k][i] + c * h;
                            v[k][i] = c * v[k][i] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] = d[l] + f;
            e[l] = 0.0;
        }
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++) {
                if (d[j] < p) {
                    k = j;
                    p = d[j];
                }
            }
            if (k != i) {
                d[k] = d[i];
                d[i] = p;
                for (int j = 0; j < n; j++) {
                    p = v[j][i];
                    v[j][i] = v[j][k];
                    v[j][k] = p;
                }
            }
        }
    }
}
