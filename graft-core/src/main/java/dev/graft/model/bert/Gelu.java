package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The exact (erf-based) GELU used by BERT: {@code x * 0.5 * (1 + erf(x / sqrt(2)))}.
 *
 * <p>On the PyTorch engine DJL's {@code gelu} is libtorch's {@code torch.gelu} with its default
 * {@code approximate='none'}, this exact form, as one op with one fused backward (the composite
 * formula cost six ops forward and a dozen in backward).
 */
public final class Gelu {

    private Gelu() {
    }

    /** Exact GELU of {@code x}; the result lives in {@code x}'s manager. */
    public static NDArray exact(NDArray x) {
        return Activation.gelu(x);
    }
}
