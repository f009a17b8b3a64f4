package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import dev.graft.model.Scalars;

/** The exact (erf-based) GELU used by BERT: {@code x * 0.5 * (1 + erf(x / sqrt(2)))}. */
public final class Gelu {

    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));

    private Gelu() {
    }

    /** Exact GELU of {@code x}; the result lives in {@code x}'s manager. */
    public static NDArray exact(NDArray x) {
        return Scalars.mul(x.mul(Scalars.add(Scalars.mul(x, INV_SQRT2).erf(), 1f)), 0.5f);
    }
}
