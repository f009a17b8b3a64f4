package dev.graft.model.head;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Fits a {@link CrfLayer}'s transition, start and end scores to gold tag sequences on fixed emission scores, by Adam on
 * the CRF's negative log-likelihood (its gradient by DJL autograd through {@link CrfLayer#negativeLogLikelihood}).
 * Scores the initial layer forbids ({@link CrfLayer#FORBIDDEN}) stay forbidden. Sequences are batched by length.
 *
 * @param epochs    passes over the sequences
 * @param batchSize sequences per step
 * @param rate      Adam's learning rate
 * @param seed      shuffles the batches
 */
public record CrfTraining(int epochs, int batchSize, double rate, long seed) {

    /** The settings NER uses: 10 epochs of batches of 64 sequences at rate 0.05. */
    public static CrfTraining defaults(long seed) {
        return new CrfTraining(10, 64, 0.05, seed);
    }

    /** Validates the settings. */
    public CrfTraining {
        if (epochs < 1 || batchSize < 1 || !(rate > 0)) {
            throw new IllegalArgumentException("CRF training needs epochs ≥ 1, batch size ≥ 1 and a positive rate, got "
                    + epochs + ", " + batchSize + ", " + rate);
        }
    }

    /**
     * The layer whose scores, starting from {@code initial}, best explain {@code tags} on {@code emissions}.
     *
     * @param emissions one {@code [L][tags]} array per sequence (sequences with no positions are skipped)
     * @param tags      the gold tag of each position of each sequence
     */
    public CrfLayer fit(CrfLayer initial, List<float[][]> emissions, List<int[]> tags) {
        if (emissions.size() != tags.size()) {
            throw new IllegalArgumentException(emissions.size() + " emission sequences but " + tags.size() + " tag sequences");
        }
        int c = initial.tags();
        float[] params = flatten(initial);
        float[] trainable = new float[params.length];
        for (int i = 0; i < params.length; i++) {
            trainable[i] = params[i] <= CrfLayer.FORBIDDEN ? 0 : 1;
        }
        float[] m = new float[params.length];
        float[] v = new float[params.length];
        List<int[]> batches = batches(emissions, tags);
        Random rng = new Random(seed);
        int step = 0;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                List<int[]> order = new ArrayList<>(batches);
                java.util.Collections.shuffle(order, rng);
                for (int[] batch : order) {
                    try (NDManager scope = manager.newSubManager()) {
                        float[] grad = gradient(scope, params, c, batch, emissions, tags);
                        step++;
                        adam(params, grad, trainable, m, v, step);
                    }
                }
            }
        }
        return unflatten(params, c);
    }

    /** The gradient of the batch's mean negative log-likelihood with respect to the flattened scores. */
    private static float[] gradient(NDManager scope, float[] params, int c, int[] batch, List<float[][]> emissions,
                                    List<int[]> tags) {
        int length = 0;
        for (int i : batch) {
            length = Math.max(length, tags.get(i).length);
        }
        float[] em = new float[batch.length * length * c];
        float[] mask = new float[batch.length * length];
        long[] y = new long[batch.length * length];
        for (int b = 0; b < batch.length; b++) {
            float[][] e = emissions.get(batch[b]);
            int[] t = tags.get(batch[b]);
            for (int p = 0; p < t.length; p++) {
                System.arraycopy(e[p], 0, em, (b * length + p) * c, c);
                mask[b * length + p] = 1;
                y[b * length + p] = t[p];
            }
        }
        NDArray all = scope.create(params);
        all.setRequiresGradient(true);
        try (GradientCollector collector = all.getManager().getEngine().newGradientCollector()) {
            NDArray transitions = all.get("0:" + c * c).reshape(c, c);
            NDArray start = all.get(c * c + ":" + (c * c + c));
            NDArray end = all.get((c * c + c) + ":");
            NDArray loss = CrfLayer.negativeLogLikelihood(scope.create(em, new Shape(batch.length, length, c)),
                    scope.create(mask, new Shape(batch.length, length)),
                    scope.create(y, new Shape(batch.length, length)), transitions, start, end);
            collector.backward(loss);
        }
        return all.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
    }

    private void adam(float[] params, float[] grad, float[] trainable, float[] m, float[] v, int step) {
        double b1 = 0.9;
        double b2 = 0.999;
        for (int i = 0; i < params.length; i++) {
            double g = grad[i] * trainable[i];
            m[i] = (float) (b1 * m[i] + (1 - b1) * g);
            v[i] = (float) (b2 * v[i] + (1 - b2) * g * g);
            double mh = m[i] / (1 - Math.pow(b1, step));
            double vh = v[i] / (1 - Math.pow(b2, step));
            params[i] -= (float) (rate * mh / (Math.sqrt(vh) + 1e-8));
        }
    }

    /** Index batches of sequences of similar length (non-empty sequences only), in a fixed order. */
    private List<int[]> batches(List<float[][]> emissions, List<int[]> tags) {
        int[] sorted = IntStream.range(0, tags.size()).filter(i -> tags.get(i).length > 0)
                .boxed().sorted(Comparator.comparingInt((Integer i) -> tags.get(i).length).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        for (int i : sorted) {
            if (emissions.get(i).length != tags.get(i).length) {
                throw new IllegalArgumentException("sequence " + i + " has " + emissions.get(i).length + " emission rows but "
                        + tags.get(i).length + " tags");
            }
        }
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < sorted.length; from += batchSize) {
            out.add(java.util.Arrays.copyOfRange(sorted, from, Math.min(sorted.length, from + batchSize)));
        }
        return out;
    }

    /** The scores as one array: transitions row by row, then start, then end. */
    static float[] flatten(CrfLayer crf) {
        int c = crf.tags();
        float[] out = new float[c * c + 2 * c];
        float[][] t = crf.transitions();
        for (int i = 0; i < c; i++) {
            System.arraycopy(t[i], 0, out, i * c, c);
        }
        System.arraycopy(crf.start(), 0, out, c * c, c);
        System.arraycopy(crf.end(), 0, out, c * c + c, c);
        return out;
    }

    private static CrfLayer unflatten(float[] params, int c) {
        float[][] t = new float[c][c];
        for (int i = 0; i < c; i++) {
            System.arraycopy(params, i * c, t[i], 0, c);
        }
        float[] start = java.util.Arrays.copyOfRange(params, c * c, c * c + c);
        float[] end = java.util.Arrays.copyOfRange(params, c * c + c, c * c + 2 * c);
        return new CrfLayer(t, start, end);
    }
}
