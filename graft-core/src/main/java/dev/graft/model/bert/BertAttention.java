package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.torch.CounterDropout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Self-attention followed by its output block: {@code LayerNorm(x + dropout(dense(selfAttention(x))))}
 * (Hugging Face {@code BertAttention} = {@code self} + {@code output.dense} + {@code output.LayerNorm}).
 *
 * <p>Input: {@code NDList(hidden [B,T,H], additiveMask [B,1,1,T])}; output: {@code [B,T,H]}.
 */
public final class BertAttention extends CompositeBlock {

    private final float dropout;
    private final BertSelfAttention self;
    private final BertLinear outputDense;
    private final BertLayerNorm outputLayerNorm;

    /** Attention sized by {@code config}, with dropout probability {@code dropout}. */
    public BertAttention(BertConfig config, float dropout) {
        this.dropout = dropout;
        int h = config.hiddenSize();
        self = addChildBlock("self", new BertSelfAttention(config, dropout));
        outputDense = addChildBlock("output_dense", new BertLinear(h, h));
        outputLayerNorm = addChildBlock("output_LayerNorm", new BertLayerNorm(h, (float) config.layerNormEps()));
    }

    NDArray apply(ParameterStore ps, NDArray hidden, NDArray additiveMask, boolean training) {
        NDArray projected = CounterDropout.apply(self.applyAndProject(ps, hidden, additiveMask, training, outputDense),
                dropout, training);
        return outputLayerNorm.apply(ps, projected.add(hidden), training);
    }

    /** The multi-head self-attention sub-block. */
    public BertSelfAttention self() {
        return self;
    }

    /** The linear layers by Hugging Face name ({@code self.query}, ..., {@code output.dense}). */
    Map<String, BertLinear> linears() {
        Map<String, BertLinear> m = new LinkedHashMap<>();
        self.linears().forEach((k, v) -> m.put("self." + k, v));
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
        putAll(m, "self", self);
        putAll(m, "output.dense", outputDense);
        putAll(m, "output.LayerNorm", outputLayerNorm);
        return m;
    }
}
