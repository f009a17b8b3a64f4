package dev.graft.metrics;

/**
 * LogME (You, Liu, Wang, Long: "LogME: Practical Assessment of Pre-trained Models for Transfer
 * Learning", ICML 2021): how well frozen features suit a labelled task, without training a head.
 *
 * <p>For each class k, the one-vs-rest target {@code y} (1 for class k, else 0) is modelled as a
 * Bayesian linear regression on the features, {@code y = F·w + ε} with prior {@code w ~ N(0, α⁻¹I)}
 * and noise {@code ε ~ N(0, β⁻¹I)}. The log marginal likelihood (evidence) of {@code y} is
 * maximised over α and β by the fixed-point iteration of MacKay's evidence framework, using the
 * eigen-decomposition {@code FᵀF = V·diag(σ²)·Vᵀ}:
 * <pre>
 *   γ = Σᵢ βσᵢ² / (α + βσᵢ²),  m = β·(αI + βFᵀF)⁻¹Fᵀy,
 *   α ← γ / mᵀm,  β ← (n − γ) / ‖y − Fm‖²
 * </pre>
 * until α/β changes by less than 1% (at most 11 rounds, as in the authors' code). The score is the
 * mean over classes of the maximised evidence divided by n:
 * <pre>
 *   L = D/2·log α + n/2·log β − ½Σᵢ log(α + βσᵢ²) − β/2·‖y − Fm‖² − α/2·mᵀm − n/2·log 2π
 * </pre>
 * Higher is better; scores are comparable between backbones on the same data (not across data sets).
 */
public final class LogMe {

    private static final int MAX_ROUNDS = 11;

    private LogMe() {
    }

    /**
     * The LogME score of {@code features} ({@code n × D}) for {@code labels} (class indices in
     * {@code [0, numClasses)}).
     *
     * @throws IllegalArgumentException on empty or ragged input, or a label out of range
     */
    public static double score(float[][] features, int[] labels, int numClasses) {
        int n = features.length;
        if (n == 0 || n != labels.length) {
            throw new IllegalArgumentException("LogME needs one label per feature row and at least one row, got "
                    + n + " rows and " + labels.length + " labels");
        }
        double[][] targets = new double[numClasses][n];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is outside [0, " + numClasses + ")");
            }
            targets[labels[i]][i] = 1;
        }
        return score(features, targets);
    }

    /**
     * The LogME score of {@code features} ({@code n × D}) for real-valued targets, the mean of each target's maximised
     * evidence per example: one target per class (its one-vs-rest indicator) for classification, one per label (its
     * indicator) for multi-label data — the per-label average the LogME paper uses for multi-label tasks — and the
     * value itself for a regression, for which LogME is defined directly.
     *
     * @param targets one row per target, each with {@code n} values
     * @throws IllegalArgumentException on empty or ragged input, or a value that is not finite
     */
    public static double score(float[][] features, double[][] targets) {
        int n = features.length;
        if (n == 0 || targets.length == 0) {
            throw new IllegalArgumentException("LogME needs at least one feature row and one target, got " + n + " rows and "
                    + targets.length + " targets");
        }
        int dim = features[0].length;
        double[][] f = new double[n][];
        for (int i = 0; i < n; i++) {
            if (features[i].length != dim) {
                throw new IllegalArgumentException("feature row " + i + " has " + features[i].length + " values, expected " + dim);
            }
            f[i] = new double[dim];
            for (int j = 0; j < dim; j++) {
                f[i][j] = features[i][j];
            }
        }
        for (int k = 0; k < targets.length; k++) {
            if (targets[k].length != n) {
                throw new IllegalArgumentException("target " + k + " has " + targets[k].length + " values for " + n + " feature rows");
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(targets[k][i])) {
                    throw new IllegalArgumentException("target " + k + " of row " + i + " is not finite: " + targets[k][i]);
                }
            }
        }
        return score(f, targets, n < dim);
    }

    /**
     * As {@link #score(float[][], double[][])} on validated input, from the eigen-decomposition of {@code FᵀF}
     * ({@code D × D}) or, {@code viaKernel}, of {@code FFᵀ} ({@code n × n}): the same nonzero eigenvalues, and
     * eigenvectors {@code Fᵀu/σ}. The public method takes the smaller of the two (the kernel when {@code n < D}, e.g. a
     * ranking sample of 96 text pairs, whose 1,536 pair features made the {@code D × D} route take seconds).
     */
    static double score(double[][] f, double[][] targets, boolean viaKernel) {
        int dim = f[0].length;
        double[] s;
        double[][] v;
        if (viaKernel) {
            SymmetricEigen.Pairs pairs = SymmetricEigen.ofGramViaKernel(f);
            // directions with a (round-off) zero eigenvalue are left out: their part of Fᵀy is 0 and the evidence
            // counts them as zero eigenvalues of FᵀF
            s = pairs.values();
            v = pairs.vectors();
        } else {
            SymmetricEigen eig = SymmetricEigen.of(gram(f, dim));
            s = eig.values();
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.max(s[i], 0); // round-off can push zero eigenvalues slightly below 0
            }
            v = eig.vectors();
        }
        double sum = 0;
        for (double[] y : targets) {
            sum += evidence(f, y, v, s, dim);
        }
        return sum / targets.length;
    }

    /**
     * The maximised evidence per example of one real-valued target {@code y} under features {@code f},
     * given the eigen-decomposition of {@code FᵀF} (eigenvectors as columns of {@code v}, eigenvalues {@code s}).
     */
    static double evidence(double[][] f, double[] y, double[][] v, double[] s) {
        return evidence(f, y, v, s, s.length);
    }

    /**
     * As {@link #evidence(double[][], double[], double[][], double[])} with {@code dim} features and only the
     * {@code s.length} eigenpairs of {@code FᵀF} that are not zero ({@code v} is {@code dim × s.length}); the other
     * {@code dim − s.length} eigenvalues are 0.
     */
    static double evidence(double[][] f, double[] y, double[][] v, double[] s, int dim) {
        int n = f.length;
        int k = s.length;
        double[] fty = new double[dim]; // Fᵀy
        for (int i = 0; i < n; i++) {
            if (y[i] != 0) {
                for (int j = 0; j < dim; j++) {
                    fty[j] += f[i][j] * y[i];
                }
            }
        }
        double[] tmp = new double[k]; // Vᵀ Fᵀ y
        for (int a = 0; a < k; a++) {
            double t = 0;
            for (int j = 0; j < dim; j++) {
                t += v[j][a] * fty[j];
            }
            tmp[a] = t;
        }
        double alpha = 1;
        double beta = 1;
        double lam = alpha / beta;
        double alphaDe = 0;
        double betaDe = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            double gamma = 0;
            for (double si : s) {
                gamma += si / (si + lam);
            }
            double[] m = posteriorMean(v, tmp, s, alpha, beta);
            alphaDe = dot(m, m);
            alpha = gamma / alphaDe;
            betaDe = residual(f, y, m);
            beta = (n - gamma) / betaDe;
            double newLam = alpha / beta;
            if (Math.abs(newLam - lam) / lam < 0.01) {
                break;
            }
            lam = newLam;
        }
        double logDet = 0;
        for (double si : s) {
            logDet += Math.log(alpha + beta * si);
        }
        logDet += (dim - k) * Math.log(alpha);
        double ev = dim / 2.0 * Math.log(alpha) + n / 2.0 * Math.log(beta) - 0.5 * logDet - beta / 2.0 * betaDe
                - alpha / 2.0 * alphaDe - n / 2.0 * Math.log(2 * Math.PI);
        return ev / n;
    }

    /** {@code m = V·(tmp · β / (α + β·s))}. */
    private static double[] posteriorMean(double[][] v, double[] tmp, double[] s, double alpha, double beta) {
        int k = s.length;
        double[] w = new double[k];
        for (int a = 0; a < k; a++) {
            w[a] = tmp[a] * beta / (alpha + beta * s[a]);
        }
        double[] m = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            double t = 0;
            double[] row = v[j];
            for (int a = 0; a < k; a++) {
                t += row[a] * w[a];
            }
            m[j] = t;
        }
        return m;
    }

    private static double residual(double[][] f, double[] y, double[] m) {
        double r = 0;
        for (int i = 0; i < f.length; i++) {
            double d = y[i] - dot(f[i], m);
            r += d * d;
        }
        return r;
    }

    private static double dot(double[] a, double[] b) {
        double t = 0;
        for (int i = 0; i < a.length; i++) {
            t += a[i] * b[i];
        }
        return t;
    }

    /** {@code FᵀF}, accumulated row by row. */
    private static double[][] gram(double[][] f, int dim) {
        double[][] g = new double[dim][dim];
        for (double[] row : f) {
            for (int a = 0; a < dim; a++) {
                double ra = row[a];
                if (ra == 0) {
                    continue;
                }
                double[] ga = g[a];
                for (int b = a; b < dim; b++) {
                    ga[b] += ra * row[b];
                }
            }
        }
        for (int a = 0; a < dim; a++) {
            for (int b = 0; b < a; b++) {
                g[a][b] = g[b][a];
            }
        }
        return g;
    }
}
