package dev.graft.model;

import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * A module whose parameters have stable dotted names that mirror its module tree (DJL's own
 * parameter ids are valid within one run only). Optimizer state, checkpoints and saved weights
 * are keyed by these names.
 */
public interface NamedParameters {

    /** Parameters by name, in module order. */
    Map<String, Parameter> namedParameters();
}
