package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BERT's masked-language-model head ({@code cls.predictions} in Hugging Face): a transform
 * (dense {@code H→H}, exact GELU, LayerNorm) and a decoder to vocabulary logits whose weight is
 * the encoder's word-embedding table itself (tied, not copied), plus an output bias.
 *
 * <p>Input {@code [N, H]} hidden vectors, output {@code [N, vocab]} logits, in the input's manager.
 * The tied table is not among {@link #namedParameters()}: it belongs to the encoder, so it is
 * listed (and updated) once.
 */
public final class MaskedLmHead extends CompositeBlock {

    private final BertLinear dense;
    private final BertLayerNorm layerNorm;
    private final Parameter decoderWeight;
    private final Parameter bias;
    private final int vocabSize;

    /** A head for {@code config} whose decoder is tied to {@code embeddings}' word-embedding table. */
    public MaskedLmHead(BertConfig config, BertEmbeddings embeddings) {
        int h = config.hiddenSize();
        dense = addChildBlock("dense", new BertLinear(h, h));
        layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(h, (float) config.layerNormEps()));
        vocabSize = config.vocabSize();
        decoderWeight = embeddings.wordEmbeddings();
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(config.vocabSize())).build());
    }

    /** The decoder weight: the very {@link Parameter} of the encoder's word embeddings. */
    public Parameter decoderWeight() {
        return decoderWeight;
    }

    /** Vocabulary logits {@code [N, vocab]} for hidden vectors {@code x [N, H]}. */
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = layerNorm.apply(ps, Gelu.exact(dense.apply(ps, x, training)), training);
        NDArray w = ps.getValue(decoderWeight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return Linear.linear(h, w, b).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(vocabSize)};
    }

    /** Hugging Face names: {@code transform.dense.*}, {@code transform.LayerNorm.*}, {@code bias}. */
    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        putAll(m, "transform.dense", dense);
        putAll(m, "transform.LayerNorm", layerNorm);
        m.put("bias", bias);
        return m;
    }
}
