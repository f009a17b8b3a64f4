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
        return new NDList(logits(ps, representation(ps, inputs.singletonOrThrow(), training), training));
    }

    /**
     * What the output layer classifies: {@code GELU(dense(dropout(x)))} with a hidden layer, else {@code x} itself.
     * Domain adaptation aligns this representation between domains; {@code logits(representation(x))} is the forward pass.
     */
    public NDArray representation(ParameterStore ps, NDArray x, boolean training) {
        if (dense == null) {
            return x;
        }
        NDList in = dropout.forward(ps, new NDList(x), training);
        return Activation.gelu(dense.forward(ps, in, training).singletonOrThrow());
    }

    /** Class logits of a {@link #representation}: {@code out_proj(dropout(h))}. */
    public NDArray logits(ParameterStore ps, NDArray representation, boolean training) {
        NDList h = dropout.forward(ps, new NDList(representation), training);
        return outProj.forward(ps, h, training).singletonOrThrow();
    }

    /** Width of {@link #representation}: the hidden units, or the input width without a hidden layer. */
    public int representationDim() {
        return dense != null ? config.hiddenUnits() : config.inputDim();
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
