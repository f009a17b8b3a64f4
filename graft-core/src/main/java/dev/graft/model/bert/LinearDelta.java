package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * A change to what a {@link BertLinear} outputs, attached with {@link BertLinear#decorate}: the one
 * mechanism behind parameter-efficient transfer (LoRA adds {@code s·B·A·x}, a bottleneck adapter
 * adds {@code up(gelu(down(y)))}).
 */
public interface LinearDelta {

    /**
     * The decorated output.
     *
     * @param ps       parameter store of the step
     * @param input    the layer's input {@code [..., in]}
     * @param output   the layer's own output {@code [..., out]}
     * @param training whether dropout is active
     * @return the new output {@code [..., out]}, in {@code output}'s manager
     */
    NDArray apply(ParameterStore ps, NDArray input, NDArray output, boolean training);

    /**
     * Whether this delta adds to the output a term of the input alone ({@link #term}), as LoRA does; then a layer
     * may add the term where it computes its own output (inside one bf16 call, for instance). A bottleneck adapter,
     * which transforms the output itself, is not additive.
     */
    default boolean additive() {
        return false;
    }

    /**
     * The term an {@link #additive()} delta adds: {@code apply(ps, x, y, training)} equals {@code y + term(ps, x,
     * training)}, float32, in {@code input}'s manager.
     *
     * @throws UnsupportedOperationException when the delta is not additive
     */
    default NDArray term(ParameterStore ps, NDArray input, boolean training) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is not an additive delta");
    }
}
