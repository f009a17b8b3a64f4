package dev.graft.metrics.linear;

import java.util.List;

/**
 * A fitted logistic model on standardised features: either independent sigmoid outputs (binary, or one-vs-rest for
 * multi-label: one probability per label) or one softmax over classes (single-label).
 */
public final class LinearClassifier {

    /**
     * Cross-validation of one model (one label, or the whole softmax).
     *
     * @param chosenC    the C the final model was fitted with
     * @param meanScores mean held-out score per grid C, in grid order (empty when no cross-validation ran)
     * @param iterations L-BFGS steps of the final fit
     * @param converged  whether the final fit met the gradient tolerance
     */
    public record Fit(double chosenC, double[] meanScores, int iterations, boolean converged) {
        /** Keeps a copy. */
        public Fit {
            meanScores = meanScores.clone();
        }

        /** @return a copy of the mean held-out scores */
        @Override
        public double[] meanScores() {
            return meanScores.clone();
        }
    }

    private final Standardizer standardizer;
    private final boolean softmax;
    private final double[][] weights;
    private final double[] intercepts;
    private final double[] cs;
    private final Scoring scoring;
    private final List<Fit> fits;

    LinearClassifier(Standardizer standardizer, boolean softmax, double[][] weights, double[] intercepts, double[] cs,
            Scoring scoring, List<Fit> fits) {
        this.standardizer = standardizer;
        this.softmax = softmax;
        this.weights = weights;
        this.intercepts = intercepts;
        this.cs = cs.clone();
        this.scoring = scoring;
        this.fits = List.copyOf(fits);
    }

    /** @return the number of outputs: labels (sigmoid) or classes (softmax) */
    public int outputs() {
        return intercepts.length;
    }

    /** @return whether the outputs form one softmax (single-label) rather than independent sigmoids */
    public boolean softmax() {
        return softmax;
    }

    /** @return the feature standardisation learnt from the training features */
    public Standardizer standardizer() {
        return standardizer;
    }

    /**
     * The coefficients on the standardised features.
     *
     * @return outputs × d, a copy
     */
    public double[][] coefficients() {
        double[][] out = new double[weights.length][];
        for (int c = 0; c < weights.length; c++) {
            out[c] = weights[c].clone();
        }
        return out;
    }

    /** @return the intercept of each output, a copy */
    public double[] intercepts() {
        return intercepts.clone();
    }

    /** @return the grid of C that cross-validation searched, a copy */
    public double[] grid() {
        return cs.clone();
    }

    /** @return how cross-validation scored the grid */
    public Scoring scoring() {
        return scoring;
    }

    /** @return per model: one per label (sigmoid), or a single one (softmax) */
    public List<Fit> fits() {
        return fits;
    }

    /**
     * Probabilities for new examples.
     *
     * @param x n × d raw (not standardised) features, as at training
     * @return n × outputs: per-label probabilities (sigmoid), or class probabilities summing to 1 (softmax)
     * @throws IllegalArgumentException if {@code x} is empty, ragged, has another width, or holds a value that is not
     *                                  finite
     */
    public float[][] probabilities(float[][] x) {
        DenseRows rows = standardizer.transform(x, "x");
        int d = rows.d(), k = intercepts.length;
        float[] data = rows.data();
        float[][] out = new float[rows.n()][k];
        double[] z = new double[k];
        for (int i = 0; i < rows.n(); i++) {
            int base = i * d;
            for (int c = 0; c < k; c++) {
                double v = intercepts[c];
                double[] w = weights[c];
                for (int j = 0; j < d; j++) {
                    v += data[base + j] * w[j];
                }
                z[c] = v;
            }
            if (softmax) {
                double max = z[0];
                for (int c = 1; c < k; c++) {
                    max = Math.max(max, z[c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    z[c] = Math.exp(z[c] - max);
                    sum += z[c];
                }
                for (int c = 0; c < k; c++) {
                    out[i][c] = (float) (z[c] / sum);
                }
            } else {
                for (int c = 0; c < k; c++) {
                    out[i][c] = (float) Target.sigmoid(z[c]);
                }
            }
        }
        return out;
    }
}
