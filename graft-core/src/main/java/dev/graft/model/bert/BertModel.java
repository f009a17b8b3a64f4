package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.Precision;
import dev.graft.model.Scalars;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A post-LN BERT encoder computing exactly what Hugging Face {@code BertModel} computes for
 * {@code last_hidden_state} (no pooler): embeddings, then {@code numLayers} {@link BertLayer}s.
 *
 * <p>{@code forward} input: {@code NDList(inputIds [B,T] int64, attentionMask [B,T] (1 = token, 0 = padding),
 * tokenTypeIds [B,T])}; the token types may be omitted (all 0). Output: {@code NDList(lastHiddenState [B,T,H])}.
 * Sequence length may vary between calls, up to {@link BertConfig#maxSequenceLength()}.
 *
 * <p>All intermediates are created in the manager of {@code inputIds}; run forward passes under a
 * short-lived sub-manager to release them. Dropout is active only when {@code training} is true.
 *
 * <p>Parameters are addressable by Hugging Face names through {@link #namedParameters()}, e.g.
 * {@code encoder.layer.3.attention.self.query.weight}.
 */
public final class BertModel extends CompositeBlock {

    /** Hugging Face's default dropout probability. */
    public static final float DEFAULT_DROPOUT = 0.1f;

    private final BertConfig config;
    private final float dropout;
    private final BertEmbeddings embeddings;
    private final List<BertLayer> layers;

    /** A model with the default dropout of 0.1. */
    public BertModel(BertConfig config) {
        this(config, DEFAULT_DROPOUT);
    }

    /** A model whose hidden and attention dropout probability is {@code dropout} (in [0, 1)). */
    public BertModel(BertConfig config, float dropout) {
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        this.config = config;
        this.dropout = dropout;
        embeddings = addChildBlock("embeddings", new BertEmbeddings(config, dropout));
        List<BertLayer> l = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            l.add(addChildBlock("layer_" + i, new BertLayer(config, dropout)));
        }
        layers = Collections.unmodifiableList(l);
    }

    /** The architecture. */
    public BertConfig config() {
        return config;
    }

    /** The dropout probability used in training mode. */
    public float dropout() {
        return dropout;
    }

    /** The embedding block. */
    public BertEmbeddings embeddings() {
        return embeddings;
    }

    /** The encoder layers, index 0 = bottom (closest to the embeddings). */
    public List<BertLayer> layers() {
        return layers;
    }

    /** Number of encoder layers. */
    public int numLayers() {
        return layers.size();
    }

    /**
     * Runs the encoder layers' linear maps (attention projections and feed-forward) in {@code p};
     * embeddings, LayerNorm, softmax and everything after the encoder stay float32.
     */
    public void setPrecision(Precision p) {
        for (BertLayer layer : layers) {
            layer.linears().values().forEach(l -> l.setPrecision(p));
        }
    }

    /** The precision of the encoder layers' linear maps. */
    public Precision precision() {
        return layers.isEmpty() ? Precision.FP32 : layers.get(0).linears().values().iterator().next().precision();
    }

    /** Computes every layer's self-attention with {@code kernel}. */
    public void setAttentionKernel(AttentionKernel kernel) {
        layers.forEach(l -> l.attention().self().setKernel(kernel));
    }

    /** How the layers' self-attention is computed. */
    public AttentionKernel attentionKernel() {
        return layers.isEmpty() ? AttentionKernel.AUTO : layers.get(0).attention().self().kernel();
    }

    /**
     * Sets the dropout probability on the attention weights of every layer (initially the model's dropout); hidden
     * dropout is unchanged.
     */
    public void setAttentionDropout(float dropout) {
        layers.forEach(l -> l.attention().self().setDropout(dropout));
    }

    /** Initialises every parameter in {@code manager} as float32 (shapes do not depend on the input). */
    public void initialize(NDManager manager) {
        Shape s = new Shape(1, 1);
        initialize(manager, DataType.FLOAT32, s, s, s);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() < 2) {
            throw new IllegalArgumentException("BertModel expects (inputIds, attentionMask[, tokenTypeIds]), got "
                    + inputs.size() + " arrays");
        }
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1);
        if (ids.getShape().dimension() != 2 || !ids.getShape().equals(mask.getShape())) {
            throw new IllegalArgumentException("inputIds and attentionMask must both be [B,T], got "
                    + ids.getShape() + " and " + mask.getShape());
        }
        NDArray types = inputs.size() > 2 ? inputs.get(2) : null;
        NDArray hidden = embeddings.apply(ps, ids, types, training);
        NDArray additive = additiveMask(mask);
        for (BertLayer layer : layers) {
            hidden = layer.apply(ps, hidden, additive, training);
        }
        return new NDList(hidden);
    }

    /** {@code (mask - 1) * Float.MAX_VALUE} as {@code [B,1,1,T]}: 0 on tokens, the float minimum on padding. */
    static NDArray additiveMask(NDArray attentionMask) {
        Shape s = attentionMask.getShape();
        return Scalars.mul(Scalars.add(attentionMask.toType(DataType.FLOAT32, false), -1f), Float.MAX_VALUE)
                .reshape(s.get(0), 1, 1, s.get(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.hiddenSize())};
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        putAll(m, "embeddings", embeddings);
        for (int i = 0; i < layers.size(); i++) {
            putAll(m, "encoder.layer." + i, layers.get(i));
        }
        return m;
    }

    /**
     * Mean of the token vectors over unmasked positions, as sentence-transformers computes it
     * (the token count is clamped to at least 1e-9).
     *
     * @param hidden        {@code [B,T,H]}
     * @param attentionMask {@code [B,T]}, 1 for tokens, 0 for padding
     * @return {@code [B,H]}, in {@code hidden}'s manager
     */
    public static NDArray meanPool(NDArray hidden, NDArray attentionMask) {
        NDArray m = attentionMask.toType(DataType.FLOAT32, false).expandDims(-1);
        NDArray sum = hidden.mul(m).sum(new int[] {1});
        NDArray count = m.sum(new int[] {1}).clip(1e-9f, Float.MAX_VALUE);
        return sum.div(count);
    }
}
