package dev.graft.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic between an array and a constant that is safe inside a differentiated forward pass.
 *
 * <p>Why not {@code x.mul(0.5f)}: on the PyTorch engine DJL turns the number into a 0-d tensor
 * that points at a Java direct buffer, runs the op and closes the tensor at once. Autograd keeps
 * that tensor for the backward pass ({@code mul} and {@code div} need it), so the backward reads
 * memory the garbage collector may already have freed and reused: gradients became NaN or wrong at
 * random steps. The constants made here are libtorch-allocated and reference-counted by autograd.
 */
public final class Scalars {

    private Scalars() {
    }

    /** A 0-d array of {@code value}, with {@code like}'s type, in {@code like}'s manager. */
    public static NDArray constant(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }

    /** {@code x · value}. */
    public static NDArray mul(NDArray x, float value) {
        return x.mul(constant(x, value));
    }

    /** {@code x / value}. */
    public static NDArray div(NDArray x, float value) {
        return x.div(constant(x, value));
    }

    /** {@code x + value}. */
    public static NDArray add(NDArray x, float value) {
        return x.add(constant(x, value));
    }
}
