package dev.graft.model.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.NamedParameters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The new classification head put on a pretrained backbone: dropout → [dense → GELU → dropout] →
 * linear to the classes. Parameters have stable names ({@code dense.weight}, {@code out_proj.bias}).
 */
public final class ClassifierHead extends AbstractBlock implements NamedParameters {

    private final HeadConfig config;
    private final Dropout dropout;
    private final Linear dense;
    private final Linear outProj;

    /** Builds an uninitialised head; call {@link #initialize} with input shape {@code [1, inputDim]}. */
    public ClassifierHead(HeadConfig config) {
        this.config = config;
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate((float) config.dropout()).build());
        this.dense = config.hiddenUnits() > 0
                ? addChildBlock("dense", Linear.builder().setUnits(config.hiddenUnits()).build())
                : null;
        this.outProj = addChildBlock("out_proj", Linear.builder().setUnits(config.numClasses()).build());
    }

    /** The head's configuration. */
    public HeadConfig config() {
        return config;
    }

    /** Initialises the weights (engine RNG: seed the engine first for repeatable runs). */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, config.inputDim()));
    }

    /** Parameters by stable dotted name, in module order. */
    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>();
        if (dense != null) {
            named.put("dense.weight", dense.getParameters().get("weight"));
            named.put("dense.bias", dense.getParameters().get("bias"));
        }
        named.put("out_proj.weight", outProj.getParameters().get("weight"));
        named.put("out_proj.bias", outProj.getParameters().get("bias"));
        return named;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = dropout.forward(ps, inputs, training);
        if (dense != null) {
            NDArray h = dense.forward(ps, x, training).singletonOrThrow();
            x = dropout.forward(ps, new NDList(Activation.gelu(h)), training);
        }
        return outProj.forward(ps, x, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numClasses())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        dropout.initialize(manager, dataType, in);
        if (dense != null) {
            dense.initialize(manager, dataType, in);
            in = new Shape(in.get(0), config.hiddenUnits());
        }
        outProj.initialize(manager, dataType, in);
    }
}
