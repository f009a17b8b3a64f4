package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.Precision;
import dev.graft.model.torch.BFloat16Ops;
import dev.graft.model.torch.CounterDropout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One post-LN transformer encoder layer: attention block, then
 * {@code LayerNorm(a + dropout(output.dense(gelu(intermediate.dense(a)))))}.
 *
 * <p>Input: {@code NDList(hidden [B,T,H], additiveMask [B,1,1,T])}; output: {@code NDList(hidden [B,T,H])}.
 */
public final class BertLayer extends CompositeBlock {

    private final float dropout;
    private final BertAttention attention;
    private final BertLinear intermediateDense;
    private final BertLinear outputDense;
    private final BertLayerNorm outputLayerNorm;

    /** A layer sized by {@code config}, with dropout probability {@code dropout}. */
    public BertLayer(BertConfig config, float dropout) {
        this.dropout = dropout;
        int h = config.hiddenSize();
        attention = addChildBlock("attention", new BertAttention(config, dropout));
        intermediateDense = addChildBlock("intermediate_dense", new BertLinear(h, config.intermediateSize()));
        outputDense = addChildBlock("output_dense", new BertLinear(config.intermediateSize(), h));
        outputLayerNorm = addChildBlock("output_LayerNorm", new BertLayerNorm(h, (float) config.layerNormEps()));
    }

    NDArray apply(ParameterStore ps, NDArray hidden, NDArray additiveMask, boolean training) {
        NDArray a = attention.apply(ps, hidden, additiveMask, training);
        NDArray out = CounterDropout.apply(feedForward(ps, a, training), dropout, training);
        return outputLayerNorm.apply(ps, out.add(a), training);
    }

    /**
     * {@code output.dense(gelu(intermediate.dense(a)))}: in bf16 without LoRA or adapters on either layer, one
     * {@link BFloat16Ops#feedForward} call that keeps the intermediate activations in bfloat16; else layer by layer.
     */
    private NDArray feedForward(ParameterStore ps, NDArray a, boolean training) {
        if (intermediateDense.precision() == Precision.BF16 && outputDense.precision() == Precision.BF16
                && intermediateDense.delta() == null && outputDense.delta() == null) {
            NDArray[] first = intermediateDense.bf16WeightAndBias(ps, a, training);
            NDArray[] second = outputDense.bf16WeightAndBias(ps, a, training);
            return BFloat16Ops.feedForward(a, first[0], first[1], second[0], second[1]);
        }
        return outputDense.apply(ps, Gelu.exact(intermediateDense.apply(ps, a, training)), training);
    }

    /** The attention sub-block. */
    public BertAttention attention() {
        return attention;
    }

    /**
     * The linear layers by Hugging Face name relative to the layer ({@code attention.self.query}, ...,
     * {@code intermediate.dense}, {@code output.dense}), bottom to top.
     */
    public Map<String, BertLinear> linears() {
        Map<String, BertLinear> m = new LinkedHashMap<>();
        attention.linears().forEach((k, v) -> m.put("attention." + k, v));
        m.put("intermediate.dense", intermediateDense);
        m.put("output.dense", outputDense);
        return m;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        putAll(m, "attention", attention);
        putAll(m, "intermediate.dense", intermediateDense);
        putAll(m, "output.dense", outputDense);
        putAll(m, "output.LayerNorm", outputLayerNorm);
        return m;
    }
}
