package dev.graft.model.vision;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import dev.graft.model.NamedBuffers;
import dev.graft.model.NamedParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the vision blocks: every parameter has an explicit shape, children are registered under
 * the name they have in the checkpoint, and {@link #namedParameters()} / {@link #namedBuffers()}
 * follow the module tree ({@code layer1.0.conv1.weight}), so loading is by name, never by position.
 */
public abstract class VisionModule extends AbstractBlock implements NamedParameters, NamedBuffers {

    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Parameter> buffers = new LinkedHashMap<>();
    private final List<Map.Entry<String, VisionModule>> modules = new ArrayList<>();

    /** Registers a trainable parameter under its checkpoint name. */
    protected final Parameter param(String name, Parameter.Type type, Shape shape) {
        Parameter p = addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).build());
        params.put(name, p);
        return p;
    }

    /** Registers a buffer (not trained, saved with the weights) under its checkpoint name. */
    protected final Parameter buffer(String name, Parameter.Type type, Shape shape) {
        Parameter p = addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).optRequiresGrad(false).build());
        buffers.put(name, p);
        return p;
    }

    /** Registers a child module under its checkpoint name (e.g. {@code "0"}, {@code "conv1"}). */
    protected final <T extends VisionModule> T module(String name, T child) {
        addChildBlock(name.replace('.', '_'), child);
        modules.add(Map.entry(name, child));
        return child;
    }

    /** The child modules with their names. */
    public final List<Map.Entry<String, VisionModule>> modules() {
        return List.copyOf(modules);
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>(params);
        for (Map.Entry<String, VisionModule> c : modules) {
            c.getValue().namedParameters().forEach((n, p) -> m.put(c.getKey() + "." + n, p));
        }
        return m;
    }

    @Override
    public Map<String, Parameter> namedBuffers() {
        Map<String, Parameter> m = new LinkedHashMap<>(buffers);
        for (Map.Entry<String, VisionModule> c : modules) {
            c.getValue().namedBuffers().forEach((n, p) -> m.put(c.getKey() + "." + n, p));
        }
        return m;
    }

    /** Allocates every parameter (shapes are fixed at construction) in {@code manager}. */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Map.Entry<String, VisionModule> c : modules) {
            c.getValue().initialize(manager, dataType, inputShapes);
        }
    }

    /** Mean over the spatial axes: {@code [N, C, H, W] → [N, C]}. */
    public static ai.djl.ndarray.NDArray globalAveragePool(ai.djl.ndarray.NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).mean(new int[] {2});
    }

    /** Per-channel mean over batch and space, {@code [1, C, 1, 1]} (libtorch's DJL binding averages one axis at a time). */
    public static ai.djl.ndarray.NDArray channelMean(ai.djl.ndarray.NDArray x) {
        return x.mean(new int[] {0}, true).mean(new int[] {2}, true).mean(new int[] {3}, true);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
