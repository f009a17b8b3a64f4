package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import dev.graft.model.Splittable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BertModel} with the {@link MaskedLmHead} on top, for (continued) masked-language-model
 * pre-training. Only the masked positions are decoded, so the vocabulary-sized logits are
 * {@code [M, vocab]} for the {@code M} masked tokens of a batch, not {@code [B, T, vocab]}.
 *
 * <p>{@code forward} input: {@code NDList(inputIds [B,T], attentionMask [B,T], tokenTypeIds [B,T],
 * targetMask [B,T] boolean)}; output: {@code NDList(logits [M, vocab])} for the positions where
 * {@code targetMask} is true, in row-major order.
 *
 * <p>Parameter names: the encoder's own ({@link BertModel#namedParameters()}, so the encoder can be
 * saved as it is) and {@code cls.predictions.*} for the head; the decoder weight is the encoder's
 * {@code embeddings.word_embeddings.weight} and is listed once.
 */
public final class BertForMaskedLm extends CompositeBlock implements Splittable {

    /** Prefix of the head's parameter names (Hugging Face's {@code BertForMaskedLM}). */
    public static final String HEAD = "cls.predictions.";

    private final BertModel encoder;
    private final MaskedLmHead head;

    /** Puts a new, not yet initialised head on {@code encoder}, tied to its word embeddings. */
    public BertForMaskedLm(BertModel encoder) {
        this.encoder = addChildBlock("bert", encoder);
        this.head = addChildBlock("cls", new MaskedLmHead(encoder.config(), encoder.embeddings()));
    }

    /** The encoder. */
    public BertModel encoder() {
        return encoder;
    }

    /** The head. */
    public MaskedLmHead head() {
        return head;
    }

    /**
     * Initialises the head only (dense N(0, 0.02), LayerNorm 1/0, bias 0), for an encoder that
     * already holds its weights. The tied decoder weight is the encoder's and is left as it is.
     */
    public void initializeHead(NDManager manager) {
        head.initialize(manager, DataType.FLOAT32, new Shape(1, encoder.config().hiddenSize()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager);
        initializeHead(manager);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() != 4) {
            throw new IllegalArgumentException("BertForMaskedLm expects (inputIds, attentionMask, tokenTypeIds, targetMask), got "
                    + inputs.size() + " arrays");
        }
        NDArray hidden = encoder.forward(ps, new NDList(inputs.get(0), inputs.get(1), inputs.get(2)), training).singletonOrThrow();
        NDArray selected = hidden.get(new NDIndex("{}", inputs.get(3))); // [M, H]
        return new NDList(head.apply(ps, selected, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(-1, encoder.config().vocabSize())};
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>(encoder.namedParameters());
        head.namedParameters().forEach((n, p) -> m.put(HEAD + n, p));
        return m;
    }

    /** Embeddings, each encoder layer, then the MLM head (the tied table is in the embeddings group). */
    @Override
    public List<LayerGroup> layerGroups() {
        List<LayerGroup> groups = new ArrayList<>();
        groups.add(new LayerGroup("embeddings", prefixed(encoder.embeddings().namedParameters(), "embeddings."), false));
        for (int i = 0; i < encoder.numLayers(); i++) {
            String prefix = "encoder.layer." + i + ".";
            groups.add(new LayerGroup("encoder.layer." + i, prefixed(encoder.layers().get(i).namedParameters(), prefix), false));
        }
        groups.add(new LayerGroup("head", prefixed(head.namedParameters(), HEAD), true));
        return groups;
    }

    private static List<String> prefixed(Map<String, Parameter> params, String prefix) {
        return params.keySet().stream().map(n -> prefix + n).toList();
    }
}
