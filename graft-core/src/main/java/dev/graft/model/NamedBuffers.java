package dev.graft.model;

import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * A module with state that is saved and restored with its weights but never trained by the
 * optimiser, such as BatchNorm running statistics. The training loop keeps these with the best
 * epoch's weights so that restoring the best epoch restores the statistics it was scored with.
 */
public interface NamedBuffers {

    /** Buffers by stable dotted name (e.g. {@code layer1.0.bn1.running_mean}), in module order. */
    Map<String, Parameter> namedBuffers();
}
