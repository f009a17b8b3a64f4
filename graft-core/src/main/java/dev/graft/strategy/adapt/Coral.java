package dev.graft.strategy.adapt;

import ai.djl.Device;
import dev.graft.util.Arguments;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.model.Scalars;

/**
 * CORrelation ALignment (Sun, Feng &amp; Saenko 2016): a linear map that gives source features the
 * target domain's second-order statistics. Source features are centred, whitened with their own
 * covariance {@code C_s^{-1/2}}, re-coloured with the target's {@code C_t^{1/2}} and moved to the
 * target mean. Both covariances are regularised by {@code λ·(trace C / D)·I} (the paper adds
 * {@code I} to features of a much larger scale; scaling by the mean variance makes λ independent
 * of the embedding's scale). The classifier is then trained on aligned source features and applied
 * to target features unchanged, so a saved model needs no extra transform.
 *
 * <p>Matrix square roots use the coupled Newton–Schulz iteration on libtorch in float64 (DJL has no
 * symmetric eigendecomposition); convergence is checked.
 */
public final class Coral {

    /** Default regularisation, relative to the mean feature variance. */
    public static final double DEFAULT_LAMBDA = 1.0;

    private static final int MAX_ITERATIONS = 200;
    private static final double TOLERANCE = 1e-9;

    private final double[] sourceMean;
    private final double[] targetMean;
    private final double[][] map;

    private Coral(double[] sourceMean, double[] targetMean, double[][] map) {
        this.sourceMean = sourceMean;
        this.targetMean = targetMean;
        this.map = map;
    }

    /** Estimates the alignment from source and target features (rows = examples). */
    public static Coral fit(float[][] source, float[][] target, double lambda) {
        if (source.length < 2 || target.length < 2) {
            throw new IllegalArgumentException("CORAL needs at least 2 source and 2 target examples, got " + source.length + " and "
                    + target.length);
        }
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("CORAL regularisation must be > 0, got " + lambda);
        }
        int d = source[0].length;
        if (target[0].length != d) {
            throw new IllegalArgumentException("source features have width " + d + " but target features " + target[0].length);
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray xs = matrix(m, source);
            NDArray xt = matrix(m, target);
            NDArray ms = xs.mean(new int[] {0}, true);
            NDArray mt = xt.mean(new int[] {0}, true);
            NDArray cs = covariance(xs.sub(ms), lambda);
            NDArray ct = covariance(xt.sub(mt), lambda);
            NDArray[] s = sqrtAndInverseSqrt(cs);
            NDArray[] t = sqrtAndInverseSqrt(ct);
            NDArray a = s[1].matMul(t[0]);
            return new Coral(ms.toDoubleArray(), mt.toDoubleArray(), rows(a.toDoubleArray(), d));
        }
    }

    /** {@code (x − μ_s)·C_s^{-1/2}·C_t^{1/2} + μ_t} for every row. */
    public float[][] apply(float[][] x) {
        int d = sourceMean.length;
        float[][] out = new float[x.length][d];
        double[] centred = new double[d];
        for (int r = 0; r < x.length; r++) {
            for (int i = 0; i < d; i++) {
                centred[i] = x[r][i] - sourceMean[i];
            }
            double[] acc = targetMean.clone();
            for (int i = 0; i < d; i++) {
                double c = centred[i];
                double[] row = map[i];
                for (int j = 0; j < d; j++) {
                    acc[j] += c * row[j];
                }
            }
            for (int j = 0; j < d; j++) {
                out[r][j] = (float) acc[j];
            }
        }
        return out;
    }

    /** Covariance of rows of {@code x} (features as columns), float64. */
    public static double[][] covarianceOf(float[][] x) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = matrix(m, x);
            NDArray c = a.sub(a.mean(new int[] {0}, true));
            NDArray cov = Scalars.div(c.transpose().matMul(c), x.length - 1);
            return rows(cov.toDoubleArray(), x[0].length);
        }
    }

    /** {@code {A^{1/2}, A^{-1/2}}} of a symmetric positive definite matrix by the coupled Newton–Schulz iteration. */
    static NDArray[] sqrtAndInverseSqrt(NDArray a) {
        NDManager m = a.getManager();
        int d = (int) a.getShape().get(0);
        double norm = Math.sqrt(a.square().sum().getDouble());
        NDArray eye = m.eye(d).toType(DataType.FLOAT64, false);
        NDArray three = Scalars.mul(eye, 3f);
        NDArray y = a.div(m.create(norm));
        NDArray z = eye;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            try (NDManager step = m.newSubManager()) {
                NDArray zy = z.matMul(y);
                zy.attach(step);
                NDArray diff = eye.sub(zy);
                diff.attach(step);
                NDArray sq = diff.square();
                sq.attach(step);
                double residual = Math.sqrt(sq.sum().getDouble() / d);
                if (residual < TOLERANCE) {
                    break;
                }
                NDArray threeMinus = three.sub(zy);
                threeMinus.attach(step);
                NDArray t = Scalars.mul(threeMinus, 0.5f);
                NDArray ny = y.matMul(t);
                NDArray nz = t.matMul(z);
                ny.attach(m);
                nz.attach(m);
                if (it > 0) {
                    y.close();
                    z.close();
                }
                y = ny;
                z = nz;
            }
            if (it == MAX_ITERATIONS - 1) {
                throw new IllegalStateException("CORAL: the matrix square root did not converge in " + MAX_ITERATIONS
                        + " iterations (covariance too ill-conditioned); raise the regularisation (" + Arguments.name("coralLambda") + ").");
            }
        }
        double root = Math.sqrt(norm);
        return new NDArray[] {y.mul(m.create(root)), z.div(m.create(root))};
    }

    private static NDArray covariance(NDArray centred, double lambda) {
        long n = centred.getShape().get(0);
        int d = (int) centred.getShape().get(1);
        NDArray c = Scalars.div(centred.transpose().matMul(centred), n - 1);
        double meanVariance = c.mul(c.getManager().eye(d).toType(DataType.FLOAT64, false)).sum().getDouble() / d;
        NDArray reg = c.getManager().eye(d).toType(DataType.FLOAT64, false).mul(c.getManager().create(lambda * Math.max(meanVariance, 1e-12)));
        return c.add(reg);
    }

    private static NDArray matrix(NDManager m, float[][] x) {
        int d = x[0].length;
        double[] flat = new double[x.length * d];
        for (int r = 0; r < x.length; r++) {
            if (x[r].length != d) {
                throw new IllegalArgumentException("feature rows differ in width: " + d + " vs " + x[r].length);
            }
            for (int i = 0; i < d; i++) {
                flat[r * d + i] = x[r][i];
            }
        }
        return m.create(flat, new Shape(x.length, d));
    }

    private static double[][] rows(double[] flat, int d) {
        double[][] out = new double[flat.length / d][d];
        for (int r = 0; r < out.length; r++) {
            System.arraycopy(flat, r * d, out[r], 0, d);
        }
        return out;
    }
}
