package dev.graft.metrics.linear;

/**
 * An n × d matrix of float features stored row by row in one array, as the solvers read it.
 *
 * @param data row-major values, {@code data[i * d + j]}
 * @param n    number of rows
 * @param d    number of columns
 */
record DenseRows(float[] data, int n, int d) {

    /** Checks the size. */
    DenseRows {
        if ((long) n * d != data.length) {
            throw new IllegalArgumentException(n + " × " + d + " does not match " + data.length + " values");
        }
    }

    /**
     * The augmented Gram matrix {@code [XᵀX, Xᵀ1; 1ᵀX, n]} over all rows, (d+1) × (d+1), row-major.
     *
     * @return the matrix
     */
    double[] augmentedGram() {
        int e = d + 1;
        double[] g = new double[e * e];
        double[] row = new double[e];
        for (int i = 0; i < n; i++) {
            int base = i * d;
            for (int j = 0; j < d; j++) {
                row[j] = data[base + j];
            }
            row[d] = 1;
            for (int j = 0; j < e; j++) {
                double v = row[j];
                if (v == 0) {
                    continue;
                }
                int o = j * e;
                for (int k = j; k < e; k++) {
                    g[o + k] += v * row[k];
                }
            }
        }
        for (int j = 0; j < e; j++) {
            for (int k = 0; k < j; k++) {
                g[j * e + k] = g[k * e + j];
            }
        }
        return g;
    }
}
