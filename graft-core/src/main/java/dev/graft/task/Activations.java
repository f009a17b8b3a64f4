package dev.graft.task;

/**
 * The tasks' activations on plain float rows, for prediction without a tensor engine: each matches its
 * {@link Task#activate(ai.djl.ndarray.NDArray)} on libtorch to float rounding (softmax and sigmoid are evaluated in
 * double and rounded once, so they differ from libtorch's float kernels by at most a few units in the last place).
 */
public final class Activations {

    private Activations() {
    }

    /** Softmax of each consecutive group of {@code width} values of {@code row} (one group: a class row). */
    public static float[] softmax(float[] row, int width) {
        if (width <= 0 || row.length % width != 0) {
            throw new IllegalArgumentException("a row of " + row.length + " outputs does not split into groups of " + width);
        }
        float[] out = new float[row.length];
        for (int s = 0; s < row.length; s += width) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = s; i < s + width; i++) {
                max = Math.max(max, row[i]);
            }
            double sum = 0;
            double[] e = new double[width];
            for (int i = 0; i < width; i++) {
                e[i] = Math.exp((double) row[s + i] - max);
                sum += e[i];
            }
            for (int i = 0; i < width; i++) {
                out[s + i] = (float) (e[i] / sum);
            }
        }
        return out;
    }

    /** The logistic function of every value. */
    public static float[] sigmoid(float[] row) {
        float[] out = new float[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = (float) (1.0 / (1.0 + Math.exp(-(double) row[i])));
        }
        return out;
    }
}
