package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.graft.model.torch.CounterDropout;
import dev.graft.model.torch.FreshGradients;
import dev.graft.model.torch.LazyRowDecay;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BERT input embeddings: word + absolute position + token type, then LayerNorm and dropout.
 *
 * <p>Position ids run from {@link BertConfig#positionOffset()} (RoBERTa: 2) upwards. For RoBERTa this equals
 * Hugging Face's {@code create_position_ids_from_input_ids} on every non-padding token of a right-padded batch;
 * padding tokens get other positions than in Hugging Face, which changes only their own (masked) outputs.
 *
 * <p>Input: {@code NDList(inputIds [B,T], tokenTypeIds [B,T])} (token types may be omitted: all 0).
 * Output: {@code NDList(embeddings [B,T,H])}.
 */
public final class BertEmbeddings extends CompositeBlock {

    private final BertConfig config;
    private final float dropout;
    private final Parameter wordEmbeddings;
    private final Parameter positionEmbeddings;
    private final Parameter tokenTypeEmbeddings;
    private final BertLayerNorm layerNorm;

    /** Embeddings sized by {@code config}, with dropout probability {@code dropout}. */
    public BertEmbeddings(BertConfig config, float dropout) {
        this.config = config;
        this.dropout = dropout;
        int h = config.hiddenSize();
        wordEmbeddings = addParameter(table("word_embeddings", config.vocabSize(), h));
        // a batch looks up a few hundred of the vocabulary's rows: a sparse gradient, kept between passes
        FreshGradients.keepRowGradient(wordEmbeddings);
        LazyRowDecay.track(wordEmbeddings); // its idle rows' weight decay waits until a batch looks them up
        positionEmbeddings = addParameter(table("position_embeddings", config.maxPositions(), h));
        tokenTypeEmbeddings = addParameter(table("token_type_embeddings", config.typeVocabSize(), h));
        layerNorm = addChildBlock("LayerNorm", new BertLayerNorm(h, (float) config.layerNormEps()));
    }

    private static Parameter table(String name, int rows, int width) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(rows, width))
                .optInitializer(new NormalInitializer(0.02f)).build();
    }

    /** Embeds {@code inputIds}; {@code tokenTypeIds} may be {@code null} (all type 0), and are ignored with one token type. */
    NDArray apply(ParameterStore ps, NDArray inputIds, NDArray tokenTypeIds, boolean training) {
        long seqLen = inputIds.getShape().get(1);
        if (seqLen > config.maxSequenceLength()) {
            throw new IllegalArgumentException("Sequence length " + seqLen + " exceeds the " + config.maxSequenceLength()
                    + " positions the model has (max positions " + config.maxPositions() + ", offset "
                    + config.positionOffset() + "); truncate the input");
        }
        NDManager m = inputIds.getManager();
        NDArray ids = inputIds.toType(DataType.INT64, false);
        // A model with one token type (RoBERTa, DistilBERT) reads every token as type 0, as Hugging Face does: the second
        // text of a pair may come with type 1 from a BERT-style tokenizer template.
        NDArray types = tokenTypeIds == null || config.typeVocabSize() < 2 ? m.zeros(inputIds.getShape(), DataType.INT64)
                : tokenTypeIds.toType(DataType.INT64, false);
        int first = config.positionOffset();
        NDArray positions = m.arange(first, first + (int) seqLen, 1, DataType.INT64);
        var device = inputIds.getDevice();
        LazyRowDecay.bringUpToDate(wordEmbeddings, ids);
        NDArray words = Embedding.embedding(ids, ps.getValue(wordEmbeddings, device, training),
                training && wordEmbeddings.requiresGradient() ? SparseFormat.COO : SparseFormat.DENSE).singletonOrThrow();
        NDArray typeVecs = lookup(types, ps.getValue(tokenTypeEmbeddings, device, training));
        NDArray posVecs = lookup(positions, ps.getValue(positionEmbeddings, device, training));
        NDArray sum = words.add(typeVecs).add(posVecs);
        NDArray normed = layerNorm.apply(ps, sum, training);
        return CounterDropout.apply(normed, dropout, training);
    }

    private static NDArray lookup(NDArray indices, NDArray table) {
        return Embedding.embedding(indices, table, SparseFormat.DENSE).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }

    /**
     * The word-embedding table {@code [vocab, hidden]} itself (not a copy), for modules that tie
     * their weights to it, such as the masked-language-model decoder.
     */
    public Parameter wordEmbeddings() {
        return wordEmbeddings;
    }

    /** The embedding LayerNorm. */
    public BertLayerNorm layerNorm() {
        return layerNorm;
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("word_embeddings.weight", wordEmbeddings);
        m.put("position_embeddings.weight", positionEmbeddings);
        m.put("token_type_embeddings.weight", tokenTypeEmbeddings);
        putAll(m, "LayerNorm", layerNorm);
        return m;
    }
}
