package dev.graft.model.bert;

import dev.graft.model.NamedParameters;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/** Layer normalisation over the last axis with {@code weight} (scale, starts at 1) and {@code bias} (starts at 0). */
public final class BertLayerNorm extends AbstractBlock implements NamedParameters {

    private final int size;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /** Normalises vectors of length {@code size} with variance epsilon {@code eps}. */
    public BertLayerNorm(int size, float eps) {
        this.size = size;
        this.eps = eps;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(size)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA)
                .optShape(new Shape(size)).build());
    }

    /** Applies the normalisation to {@code x [..., size]}; the result lives in {@code x}'s manager. */
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray g = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return LayerNorm.layerNorm(x, new Shape(size), g, b, eps).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("weight", weight);
        m.put("bias", bias);
        return m;
    }
}
