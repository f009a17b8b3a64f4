package dev.graft.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.task.Targets;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Per-token vectors of variable-length sequences (a frozen encoder's hidden states, one row per token) with their
 * targets: each batch is {@code [B, T, H]}, zero-padded to its longest sequence, and batches hold sequences of similar
 * length. A head over these reads each token's vector; padded positions carry no label.
 */
public final class StateBatches implements BatchSource {

    private final float[][] states;
    private final int width;
    private final Targets targets;

    /**
     * @param states per sequence, its tokens' vectors row-major ({@code length · width} values)
     * @param width  the width of one token's vector
     * @throws IllegalArgumentException when a sequence is not a whole number of vectors, or the counts differ
     */
    public StateBatches(float[][] states, int width, Targets targets) {
        if (states.length != targets.size()) {
            throw new IllegalArgumentException(states.length + " sequences but " + targets.size() + " targets");
        }
        for (float[] s : states) {
            if (width < 1 || s.length % width != 0) {
                throw new IllegalArgumentException("a sequence of " + s.length + " values is not a whole number of " + width + "-wide vectors");
            }
        }
        this.states = states;
        this.width = width;
        this.targets = targets;
    }

    /** Number of tokens of sequence {@code i}. */
    public int length(int i) {
        return states[i].length / width;
    }

    @Override
    public int size() {
        return states.length;
    }

    @Override
    public Targets targets() {
        return targets;
    }

    @Override
    public int[] labels() {
        throw new IllegalStateException("these sequences have " + targets.getClass().getSimpleName() + " targets, not one class each");
    }

    @Override
    public List<int[]> epochBatches(int batchSize, Random rng) {
        return Batching.lengthBuckets(size(), this::length, batchSize, rng);
    }

    @Override
    public List<int[]> inferenceBatches(int batchSize) {
        int[] byLength = IntStream.range(0, size()).boxed().sorted(Comparator.comparingInt(this::length))
                .mapToInt(Integer::intValue).toArray();
        return Batching.chunks(byLength, batchSize);
    }

    @Override
    public NDList inputs(NDManager manager, int[] indices) {
        int t = 1;
        for (int i : indices) {
            t = Math.max(t, length(i));
        }
        float[] flat = new float[indices.length * t * width];
        for (int b = 0; b < indices.length; b++) {
            System.arraycopy(states[indices[b]], 0, flat, b * t * width, states[indices[b]].length);
        }
        return new NDList(manager.create(flat, new Shape(indices.length, t, width)));
    }
}
