package dev.graft.metrics.linear;

/** A fitted ridge regression on standardised features (see {@link RidgeRegression}). */
public final class RidgeModel {

    private final Standardizer standardizer;
    private final double[] coefficients;
    private final double intercept;
    private final double[] alphas;
    private final int chosen;
    private final double[] looMse;

    RidgeModel(Standardizer standardizer, double[] coefficients, double intercept, double[] alphas, int chosen,
            double[] looMse) {
        this.standardizer = standardizer;
        this.coefficients = coefficients;
        this.intercept = intercept;
        this.alphas = alphas.clone();
        this.chosen = chosen;
        this.looMse = looMse;
    }

    /** @return the coefficients on the standardised features, a copy */
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** @return the intercept */
    public double intercept() {
        return intercept;
    }

    /** @return the chosen penalty α */
    public double alpha() {
        return alphas[chosen];
    }

    /** @return the candidate penalties, a copy */
    public double[] alphas() {
        return alphas.clone();
    }

    /** @return the mean squared leave-one-out error of each candidate α, a copy */
    public double[] leaveOneOutMse() {
        return looMse.clone();
    }

    /** @return the feature standardisation learnt from the training features */
    public Standardizer standardizer() {
        return standardizer;
    }

    /**
     * Predicts targets.
     *
     * @param x n × d raw (not standardised) features
     * @return n predictions
     * @throws IllegalArgumentException if {@code x} is empty, ragged, has another width, or holds a value that is not
     *                                  finite
     */
    public double[] predict(float[][] x) {
        DenseRows rows = standardizer.transform(x, "x");
        int d = rows.d();
        float[] data = rows.data();
        double[] out = new double[rows.n()];
        for (int i = 0; i < rows.n(); i++) {
            double v = intercept;
            int base = i * d;
            for (int j = 0; j < d; j++) {
                v += data[base + j] * coefficients[j];
            }
            out[i] = v;
        }
        return out;
    }
}
