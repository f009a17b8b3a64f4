package dev.graft.model.bert;

import dev.graft.model.NamedParameters;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * Base of the BERT blocks that only compose sub-blocks. All parameter shapes are fixed by the
 * configuration, so children are initialised independently of the input shapes.
 */
abstract class CompositeBlock extends AbstractBlock implements NamedParameters {

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : children.values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    /** Adds {@code child}'s named parameters under {@code prefix + "."}. */
    static void putAll(Map<String, Parameter> into, String prefix, NamedParameters child) {
        child.namedParameters().forEach((k, v) -> into.put(prefix + "." + k, v));
    }
}
