package dev.graft.metrics.linear;

/**
 * Per-feature centring and scaling to unit variance, as scikit-learn's {@code StandardScaler}: the mean and the
 * population standard deviation of each column of the training features; a constant column is only centred (its
 * scale is 1).
 */
public final class Standardizer {

    private final double[] mean;
    private final double[] scale;

    private Standardizer(double[] mean, double[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /**
     * Learns means and scales.
     *
     * @param x    n × d features, n ≥ 1, d ≥ 1, rectangular, finite
     * @param what how to name {@code x} in messages
     * @return the standardizer
     * @throws IllegalArgumentException if {@code x} is empty, ragged or holds a value that is not finite
     */
    public static Standardizer fit(float[][] x, String what) {
        int d = checkMatrix(x, what, -1);
        int n = x.length;
        double[] mean = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[] var = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - mean[j];
                var[j] += c * c;
            }
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double s = Math.sqrt(var[j] / n);
            scale[j] = s > 10 * Math.ulp(Math.abs(mean[j])) && s > 0 ? s : 1;
        }
        return new Standardizer(mean, scale);
    }

    /** @return the number of features */
    public int features() {
        return mean.length;
    }

    /** @return a copy of the per-feature means */
    public double[] mean() {
        return mean.clone();
    }

    /** @return a copy of the per-feature scales (standard deviations, 1 for constant features) */
    public double[] scale() {
        return scale.clone();
    }

    /**
     * Standardises features into one row-major block.
     *
     * @param x    n × d features with this standardizer's d
     * @param what how to name {@code x} in messages
     * @return the standardised rows
     * @throws IllegalArgumentException if {@code x} is empty, ragged, has another width, holds a value that is not
     *                                  finite, or has more than {@code Integer.MAX_VALUE - 8} values
     */
    public DenseRows transform(float[][] x, String what) {
        int d = checkMatrix(x, what, mean.length);
        long size = (long) x.length * d;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " has " + x.length + " rows of " + d + " features, more than "
                    + (Integer.MAX_VALUE - 8) + " values; pass fewer rows");
        }
        float[] out = new float[(int) size];
        for (int i = 0; i < x.length; i++) {
            int base = i * d;
            for (int j = 0; j < d; j++) {
                out[base + j] = (float) ((x[i][j] - mean[j]) / scale[j]);
            }
        }
        return new DenseRows(out, x.length, d);
    }

    /**
     * Checks a feature matrix.
     *
     * @param width the expected number of columns, or -1 for any
     * @return its number of columns
     */
    static int checkMatrix(float[][] x, String what, int width) {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException(what + " has no rows; pass at least one example");
        }
        int d = x[0] == null ? 0 : x[0].length;
        if (d == 0) {
            throw new IllegalArgumentException(what + "[0] has no features; pass at least one feature per row");
        }
        if (width >= 0 && d != width) {
            throw new IllegalArgumentException(what + " has " + d + " features per row but the model was trained on "
                    + width + "; pass features from the same extractor");
        }
        for (int i = 0; i < x.length; i++) {
            float[] row = x[i];
            if (row == null || row.length != d) {
                throw new IllegalArgumentException(what + "[" + i + "] has " + (row == null ? "no" : row.length)
                        + " features but " + what + "[0] has " + d + "; every row needs the same features");
            }
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException(what + "[" + i + "][" + j + "] is " + row[j]
                            + "; features must be finite");
                }
            }
        }
        return d;
    }
}
