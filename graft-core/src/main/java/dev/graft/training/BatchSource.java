package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.graft.task.Targets;
import java.util.List;
import java.util.Random;

/**
 * Labelled examples that the training loop reads in batches by index. Implementations create the
 * arrays in the manager they are given (a per-step scope), so nothing outlives its step.
 */
public interface BatchSource {

    /** Number of examples. */
    int size();

    /** Class index of every example, in order (single-label classification). */
    int[] labels();

    /** The gold targets of every example, in order; by default the class indices of {@link #labels()}. */
    default Targets targets() {
        return new Targets.Classes(labels());
    }

    /** Model inputs for the examples at {@code indices}. */
    NDList inputs(NDManager manager, int[] indices);

    /**
     * The order in which one epoch visits the examples, as batches of indices. The default is a
     * uniform shuffle cut into consecutive batches; sources of variable-length inputs override it
     * to bucket similar lengths together.
     */
    default List<int[]> epochBatches(int batchSize, Random rng) {
        int[] order = Batching.shuffled(size(), rng);
        return Batching.chunks(order, batchSize);
    }

    /**
     * Batches for inference, covering every example once. The default is consecutive chunks;
     * variable-length sources group similar lengths to pad less.
     */
    default List<int[]> inferenceBatches(int batchSize) {
        return Batching.chunks(java.util.stream.IntStream.range(0, size()).toArray(), batchSize);
    }

    /** Labels of the examples at {@code indices} as an int64 vector. */
    default NDArray labels(NDManager manager, int[] indices) {
        int[] all = labels();
        long[] y = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            y[i] = all[indices[i]];
        }
        return manager.create(y);
    }
}
