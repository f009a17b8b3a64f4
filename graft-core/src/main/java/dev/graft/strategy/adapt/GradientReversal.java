package dev.graft.strategy.adapt;

import ai.djl.ndarray.NDArray;
import dev.graft.model.Scalars;

/**
 * The gradient-reversal layer of DANN (Ganin &amp; Lempitsky 2015): identity in the forward pass,
 * gradient multiplied by −λ in the backward pass. DJL has no custom autograd functions, so it is
 * written as {@code (1+λ)·stop(x) − λ·x}: the value is {@code x}, and only the second term carries
 * a gradient, {@code −λ}.
 */
public final class GradientReversal {

    private GradientReversal() {
    }

    /** {@code x} forward, {@code −lambda ·} the incoming gradient backward. */
    public static NDArray apply(NDArray x, float lambda) {
        return Scalars.mul(x.stopGradient(), 1 + lambda).sub(Scalars.mul(x, lambda));
    }

    /**
     * DANN's schedule for λ: {@code 2/(1+exp(−10p)) − 1} at training progress {@code p ∈ [0, 1]}, so the
     * domain signal starts at 0 while the features are still noise and approaches 1.
     */
    public static double schedule(double progress) {
        double p = Math.max(0, Math.min(1, progress));
        return 2 / (1 + Math.exp(-10 * p)) - 1;
    }
}
