package dev.graft.metrics.linear;

/** How cross-validation compares regularisation strengths on the held-out folds. */
public enum Scoring {
    /** Mean negative log-likelihood of the true labels (probabilities clipped to [1e-15, 1 − 1e-15]); lower is
     * better. Smooth, so it separates strengths even when accuracy ties (rare labels). */
    LOG_LOSS,
    /** Fraction of held-out examples decided correctly (a label predicted when its probability exceeds 0.5, a class
     * by the largest probability); higher is better. scikit-learn's default for {@code LogisticRegressionCV}. */
    ACCURACY;

    /** @return whether {@code a} is strictly better than {@code b} */
    boolean better(double a, double b) {
        return this == LOG_LOSS ? a < b : a > b;
    }
}
