package dev.graft.selection;

/**
 * A sparse feature vector for the linear baselines: {@code indices} strictly increasing, {@code values} the weights at
 * them.
 */
record SparseVector(int[] indices, float[] values) {

    /** Checks that indices and values pair up. */
    SparseVector {
        if (indices.length != values.length) {
            throw new IllegalArgumentException(indices.length + " indices but " + values.length + " values");
        }
    }
}
