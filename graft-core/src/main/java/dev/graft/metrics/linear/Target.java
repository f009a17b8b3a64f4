package dev.graft.metrics.linear;

/**
 * What one logistic model predicts, and its per-example loss: a binary label through the sigmoid (one output
 * column) or one of K classes through the softmax (K columns).
 */
final class Target {

    private static final double EPS = 1e-15;

    private final boolean[] positive;
    private final int[] classes;
    private final int outputs;

    private Target(boolean[] positive, int[] classes, int outputs) {
        this.positive = positive;
        this.classes = classes;
        this.outputs = outputs;
    }

    /** A binary label per example. */
    static Target binary(boolean[] positive) {
        return new Target(positive, null, 1);
    }

    /** A class in {@code [0, k)} per example. */
    static Target classes(int[] classes, int k) {
        return new Target(null, classes, k);
    }

    /** @return the number of output columns */
    int outputs() {
        return outputs;
    }

    /** @return whether the outputs go through the softmax */
    boolean softmax() {
        return classes != null;
    }

    /**
     * Loss of example {@code i} given its scores {@code z[off .. off+outputs)}; writes the derivative of the loss
     * with respect to each score into {@code r} at the same offsets.
     */
    double loss(int i, double[] z, int off, double[] r) {
        if (classes == null) {
            double t = z[off];
            double p = sigmoid(t);
            boolean y = positive[i];
            r[off] = y ? p - 1 : p;
            return softplus(y ? -t : t);
        }
        double max = z[off];
        for (int c = 1; c < outputs; c++) {
            max = Math.max(max, z[off + c]);
        }
        double sum = 0;
        for (int c = 0; c < outputs; c++) {
            double e = Math.exp(z[off + c] - max);
            r[off + c] = e;
            sum += e;
        }
        int y = classes[i];
        for (int c = 0; c < outputs; c++) {
            r[off + c] /= sum;
        }
        r[off + y] -= 1;
        return Math.log(sum) + max - z[off + y];
    }

    /** Held-out score of example {@code i} given its scores {@code z[0 .. outputs)}: its log loss or 1/0 correct. */
    double score(int i, double[] z, Scoring scoring) {
        if (classes == null) {
            boolean y = positive[i];
            if (scoring == Scoring.ACCURACY) {
                return (z[0] > 0) == y ? 1 : 0;
            }
            double p = sigmoid(z[0]);
            return -Math.log(clip(y ? p : 1 - p));
        }
        int y = classes[i];
        if (scoring == Scoring.ACCURACY) {
            int best = 0;
            for (int c = 1; c < outputs; c++) {
                if (z[c] > z[best]) {
                    best = c;
                }
            }
            return best == y ? 1 : 0;
        }
        double max = z[0];
        for (int c = 1; c < outputs; c++) {
            max = Math.max(max, z[c]);
        }
        double sum = 0;
        for (int c = 0; c < outputs; c++) {
            sum += Math.exp(z[c] - max);
        }
        return -Math.log(clip(Math.exp(z[y] - max) / sum));
    }

    static double sigmoid(double t) {
        if (t >= 0) {
            return 1 / (1 + Math.exp(-t));
        }
        double e = Math.exp(t);
        return e / (1 + e);
    }

    /** {@code log(1 + e^t)} without overflow. */
    private static double softplus(double t) {
        return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }

    private static double clip(double p) {
        return Math.min(Math.max(p, EPS), 1 - EPS);
    }
}
