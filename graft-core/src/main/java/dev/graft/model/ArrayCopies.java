package dev.graft.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;

/**
 * Writes Java values into an existing array's own memory.
 *
 * <p>Why not {@code NDArray.set(Buffer)}: on the PyTorch engine it does not copy, it re-points the
 * tensor's storage at a Java direct buffer that only that Java object keeps alive, with whatever
 * alignment the JVM gave it. Weights, optimiser state and restored checkpoints written through this
 * class stay in memory libtorch allocated (aligned, reference-counted by autograd).
 */
public final class ArrayCopies {

    private static final NDIndex ALL = new NDIndex("...");

    private ArrayCopies() {
    }

    /**
     * Copies {@code values} (row-major, same element count) into {@code target} in place.
     *
     * @throws IllegalArgumentException if the element counts differ
     */
    public static void copyInto(NDArray target, float[] values) {
        if (target.size() != values.length) {
            throw new IllegalArgumentException("cannot copy " + values.length + " values into an array of shape "
                    + target.getShape() + " (" + target.size() + " elements)");
        }
        // libtorch refuses in-place writes to a leaf that requires grad while grad mode is on (the
        // default on threads DJL did not set up, e.g. Spark executors): lift the flag for the copy.
        boolean requiresGrad = target.hasGradient();
        if (requiresGrad) {
            target.setRequiresGradient(false);
        }
        try (NDManager scratch = target.getManager().newSubManager()) {
            NDArray source = scratch.create(values, target.getShape());
            target.set(ALL, source);
        } finally {
            if (requiresGrad) {
                target.setRequiresGradient(true);
            }
        }
    }

    /** Copies {@code values} into {@code target}, checking the shape first. */
    public static void copyInto(NDArray target, float[] values, long[] shape) {
        if (!Arrays.equals(target.getShape().getShape(), shape)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not match " + target.getShape());
        }
        copyInto(target, values);
    }
}
