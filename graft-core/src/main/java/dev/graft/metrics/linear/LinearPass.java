package dev.graft.metrics.linear;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.stream.IntStream;

/**
 * One pass over the rows that evaluates many linear models at once: for every row, the scores of all models
 * ({@code z = xᵀw + b} per output column), each model's loss and its derivative {@code r} with respect to the
 * scores, and the sums {@code Σ x·r} and {@code Σ r}. Models that share the data share its memory traffic. The
 * scores are computed four columns at a time with the partial sums in registers; rows are split across the cores
 * in a fixed number of chunks, so the sums do not depend on the number of cores.
 */
final class LinearPass implements AutoCloseable {

    private static final int CHUNKS = 16;
    private static final int GROUP = 4;

    /**
     * A model in the batch.
     *
     * @param target what it predicts (its number of output columns k)
     * @param fold   rows whose fold is this are left out; -1 leaves none out
     * @param theta  its parameters: k blocks of d weights and one intercept
     */
    record Member(Target target, int fold, double[] theta) {
    }

    /**
     * Sums over a member's rows.
     *
     * @param loss     the summed loss
     * @param gradient in the layout of theta: {@code Σ x_j·r_c} for the weights, {@code Σ r_c} for the intercepts
     */
    record Sums(double loss, double[] gradient) {
    }

    /**
     * Problems with at least this many multiply-adds per pass (rows × features × columns) compute their two matrix
     * products in libtorch (double precision); smaller ones stay in plain Java, which needs no engine.
     */
    static final long ENGINE_THRESHOLD = 20_000_000L;

    private final DenseRows x;
    private final int[] folds;
    private final boolean engine;
    private NDManager manager;
    private NDArray rows;

    /**
     * @param x     the (standardised) features
     * @param folds fold of each row, or null when no member leaves rows out
     */
    LinearPass(DenseRows x, int[] folds) {
        this(x, folds, false);
    }

    /**
     * @param x      the (standardised) features
     * @param folds  fold of each row, or null when no member leaves rows out
     * @param engine whether to compute the products in libtorch
     */
    LinearPass(DenseRows x, int[] folds, boolean engine) {
        this.x = x;
        this.folds = folds;
        this.engine = engine;
    }

    /** Whether a pass over {@code x} for {@code columns} output columns is large enough for libtorch. */
    static boolean worthTheEngine(DenseRows x, int columns) {
        return (long) x.n() * x.d() * columns >= ENGINE_THRESHOLD;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }

    /**
     * Evaluates a batch.
     *
     * @param members the models
     * @return their sums, in the same order
     */
    Sums[] run(Member[] members) {
        int d = x.d(), e = d + 1;
        int[] offset = new int[members.length];
        int m = 0;
        for (int k = 0; k < members.length; k++) {
            offset[k] = m;
            m += members[k].target().outputs();
        }
        int padded = (m + GROUP - 1) / GROUP * GROUP;
        double[] w = new double[padded * d];
        double[] b = new double[padded];
        for (int k = 0; k < members.length; k++) {
            double[] theta = members[k].theta();
            for (int c = 0; c < members[k].target().outputs(); c++) {
                int col = offset[k] + c;
                int base = (col / GROUP) * d * GROUP + col % GROUP;
                for (int j = 0; j < d; j++) {
                    w[base + j * GROUP] = theta[c * e + j];
                }
                b[col] = theta[c * e + d];
            }
        }
        int n = x.n();
        if (engine) {
            return sums(engineTotals(w, b, padded, members, offset), members, offset, padded);
        }
        int chunks = Math.max(1, Math.min(n / 512, CHUNKS));
        double[][] parts = new double[chunks][];
        int width = padded;
        IntStream.range(0, chunks).parallel().forEach(c -> parts[c] = rows((int) ((long) n * c / chunks),
                (int) ((long) n * (c + 1) / chunks), w, b, width, members, offset));
        double[] total = parts[0];
        for (int c = 1; c < chunks; c++) {
            for (int i = 0; i < total.length; i++) {
                total[i] += parts[c][i];
            }
        }
        return sums(total, members, offset, padded);
    }

    /** Splits the totals (weight sums, intercept sums, losses) into each member's sums. */
    private Sums[] sums(double[] total, Member[] members, int[] offset, int padded) {
        int d = x.d(), e = d + 1;
        Sums[] out = new Sums[members.length];
        for (int k = 0; k < members.length; k++) {
            int outputs = members[k].target().outputs();
            double[] g = new double[outputs * e];
            for (int c = 0; c < outputs; c++) {
                int col = offset[k] + c;
                System.arraycopy(total, col * d, g, c * e, d);
                g[c * e + d] = total[padded * d + col];
            }
            out[k] = new Sums(total[padded * e + k], g);
        }
        return out;
    }

    /**
     * The totals of {@link #rows} computed with two libtorch products, {@code Z = X·Wᵀ} and {@code G = Rᵀ·X}; the
     * losses, residuals and intercept sums are added row by row in Java. Deterministic for a given machine and number
     * of threads (the products' summation order is the library's).
     */
    private double[] engineTotals(double[] w, double[] b, int padded, Member[] members, int[] offset) {
        int n = x.n(), d = x.d();
        if (manager == null) {
            manager = NDManager.newBaseManager(Device.cpu());
            float[] data = x.data();
            double[] values = new double[data.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = data[i];
            }
            rows = manager.create(values, new Shape(n, d));
        }
        double[] weightsByColumn = new double[padded * d]; // row c: column c's weights
        for (int c = 0; c < padded; c++) {
            int base = (c / GROUP) * d * GROUP + c % GROUP;
            for (int j = 0; j < d; j++) {
                weightsByColumn[c * d + j] = w[base + j * GROUP];
            }
        }
        double[] totals = new double[padded * (d + 1) + members.length];
        int interceptAt = padded * d, lossAt = padded * (d + 1);
        try (NDManager round = manager.newSubManager()) {
            NDArray weights = round.create(weightsByColumn, new Shape(padded, d));
            double[] scores = rows.matMul(weights.transpose()).toDoubleArray(); // n × padded
            double[] z = new double[padded];
            double[] r = new double[padded];
            double[] residuals = new double[n * padded];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < padded; c++) {
                    z[c] = scores[i * padded + c] + b[c];
                }
                residuals(i, z, r, members, offset, totals, lossAt);
                for (int c = 0; c < padded; c++) {
                    residuals[i * padded + c] = r[c];
                    totals[interceptAt + c] += r[c];
                }
            }
            NDArray gradient = round.create(residuals, new Shape(n, padded)).transpose().matMul(rows); // padded × d
            System.arraycopy(gradient.toDoubleArray(), 0, totals, 0, padded * d);
        }
        return totals;
    }

    /**
     * Sums over rows {@code [from, to)}: {@code padded·d} weight sums (column-major), {@code padded} intercept sums,
     * then one loss per member.
     */
    private double[] rows(int from, int to, double[] w, double[] b, int padded, Member[] members, int[] offset) {
        int d = x.d();
        float[] data = x.data();
        double[] sums = new double[padded * (d + 1) + members.length];
        int interceptAt = padded * d, lossAt = padded * (d + 1);
        double[] z = new double[padded];
        double[] r = new double[padded];
        for (int i = from; i < to; i++) {
            int base = i * d;
            for (int g = 0; g < padded; g += GROUP) {
                double z0 = b[g], z1 = b[g + 1], z2 = b[g + 2], z3 = b[g + 3];
                int o = g * d;
                for (int j = 0; j < d; j++) {
                    double v = data[base + j];
                    int q = o + GROUP * j;
                    z0 += v * w[q];
                    z1 += v * w[q + 1];
                    z2 += v * w[q + 2];
                    z3 += v * w[q + 3];
                }
                z[g] = z0;
                z[g + 1] = z1;
                z[g + 2] = z2;
                z[g + 3] = z3;
            }
            residuals(i, z, r, members, offset, sums, lossAt);
            for (int c = 0; c < padded; c++) {
                double rc = r[c];
                if (rc == 0) {
                    continue;
                }
                int o = c * d;
                for (int j = 0; j < d; j++) {
                    sums[o + j] += rc * data[base + j];
                }
                sums[interceptAt + c] += rc;
            }
        }
        return sums;
    }
    /**
     * Row {@code i}'s loss derivatives {@code r} from its scores {@code z}, member by member (zero for a member whose
     * held-out fold holds the row), adding each member's loss to {@code losses[lossAt + k]}.
     */
    private void residuals(int i, double[] z, double[] r, Member[] members, int[] offset, double[] losses, int lossAt) {
        for (int k = 0; k < members.length; k++) {
            Member mb = members[k];
            if (folds != null && folds[i] == mb.fold()) {
                for (int c = 0; c < mb.target().outputs(); c++) {
                    r[offset[k] + c] = 0;
                }
            } else {
                losses[lossAt + k] += mb.target().loss(i, z, offset[k], r);
            }
        }
    }
}
