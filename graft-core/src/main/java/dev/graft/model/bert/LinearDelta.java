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
}
