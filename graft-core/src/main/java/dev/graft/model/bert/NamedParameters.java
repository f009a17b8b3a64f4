package dev.graft.model.bert;

import ai.djl.nn.Parameter;
import java.util.Map;

/** A block whose parameters have stable Hugging Face style dotted names, relative to the block. */
public interface NamedParameters {

    /**
     * The block's parameters (including those of its sub-blocks) by dotted name relative to this
     * block, e.g. {@code attention.self.query.weight}, in module order.
     */
    Map<String, Parameter> namedParameters();
}
