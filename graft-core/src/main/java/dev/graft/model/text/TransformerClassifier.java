package dev.graft.model.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import dev.graft.model.Splittable;
import dev.graft.model.bert.BertModel;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.peft.PeftModules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pretrained transformer encoder, its pooling, and a new classification head, trainable end to
 * end: {@code (inputIds, attentionMask, tokenTypeIds) → logits}. Parameters are named
 * {@code encoder.<BERT name>} and {@code head.<head name>}; layer groups are the embeddings, each
 * encoder layer, and the head.
 *
 * <p>With {@link PeftModules} attached to the encoder (LoRA, adapters), their parameters are named
 * {@code encoder.<name>} too and form one more group, just below the head, named after the method
 * ({@code lora}, {@code adapter}); pretrained parameters the spec trains (LayerNorms) move into it.
 * Training the top backbone group then trains exactly the parameter-efficient modules.
 */
public final class TransformerClassifier extends AbstractBlock implements Splittable {

    /** Prefix of encoder parameter names. */
    public static final String ENCODER = "encoder.";
    /** Prefix of head parameter names. */
    public static final String HEAD = "head.";

    private final BertModel encoder;
    private final Pooling pooling;
    private final ClassifierHead head;
    private final PeftModules peft;
    private final boolean perToken;

    /** Composes an encoder (already holding pretrained weights or to be initialised) and a head. */
    public TransformerClassifier(BertModel encoder, Pooling pooling, ClassifierHead head) {
        this(encoder, pooling, head, null);
    }

    /**
     * Composes an encoder, the parameter-efficient modules attached to it ({@code null} for none) and a head.
     */
    public TransformerClassifier(BertModel encoder, Pooling pooling, ClassifierHead head, PeftModules peft) {
        this(encoder, pooling, head, peft, false);
    }

    private TransformerClassifier(BertModel encoder, Pooling pooling, ClassifierHead head, PeftModules peft, boolean perToken) {
        this.encoder = addChildBlock("encoder", encoder);
        this.pooling = pooling;
        this.head = addChildBlock("head", head);
        this.peft = peft;
        this.perToken = perToken;
    }

    /**
     * A token classifier: the head reads every token's hidden state, so the output is {@code [B, T, classes]} (no
     * pooling). Parameters and layer groups are named as for a sentence classifier.
     */
    public static TransformerClassifier perToken(BertModel encoder, ClassifierHead head) {
        return perToken(encoder, head, null);
    }

    /** {@link #perToken(BertModel, ClassifierHead)} with parameter-efficient modules attached to the encoder ({@code null}: none). */
    public static TransformerClassifier perToken(BertModel encoder, ClassifierHead head, PeftModules peft) {
        return new TransformerClassifier(encoder, Pooling.MEAN, head, peft, true);
    }

    /** Whether the head reads every token ({@link #perToken}) rather than the pooled sentence vector. */
    public boolean isPerToken() {
        return perToken;
    }

    /** The parameter-efficient modules attached to the encoder, or {@code null}. */
    public PeftModules peft() {
        return peft;
    }

    /** The encoder. */
    public BertModel encoder() {
        return encoder;
    }

    /** The head. */
    public ClassifierHead head() {
        return head;
    }

    /** The pooling. */
    public Pooling pooling() {
        return pooling;
    }

    /** Sentence vectors {@code [B, H]} for a token batch (in the inputs' manager). */
    public NDArray embed(ParameterStore ps, NDList inputs, boolean training) {
        NDArray hidden = encoder.forward(ps, inputs, training).singletonOrThrow();
        return pool(hidden, inputs.get(1), pooling);
    }

    /**
     * Pools {@code [B,T,H]} hidden states into {@code [B,H]}.
     *
     * @throws IllegalArgumentException for a pooling that reads inner layers or concatenates ({@link Pooling#fineTunable()}
     *                                  is false): only ONNX Runtime computes those
     */
    public static NDArray pool(NDArray hidden, NDArray mask, Pooling pooling) {
        if (!pooling.fineTunable()) {
            throw new IllegalArgumentException("Pooling " + pooling.key() + " is computed only by the frozen ONNX encoder;"
                    + " this model runs in libtorch (fine-tuned, or without model.onnx), which pools by mean or cls.");
        }
        return pooling.equals(Pooling.CLS)
                ? hidden.get(":, 0, :")
                : BertModel.meanPool(hidden, mask);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = perToken ? encoder.forward(ps, inputs, training).singletonOrThrow() : embed(ps, inputs, training);
        return head.forward(ps, new NDList(features), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (perToken) {
            return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), head.config().numClasses())};
        }
        return new Shape[] {new Shape(inputShapes[0].get(0), head.config().numClasses())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager);
        head.initialize(manager);
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        encoder.namedParameters().forEach((n, p) -> m.put(ENCODER + n, p));
        if (peft != null) {
            peft.namedParameters().forEach((n, p) -> m.put(ENCODER + n, p));
        }
        head.namedParameters().forEach((n, p) -> m.put(HEAD + n, p));
        return m;
    }

    @Override
    public List<LayerGroup> layerGroups() {
        List<LayerGroup> groups = new ArrayList<>();
        java.util.Set<String> moved = peft == null ? java.util.Set.of()
                : peft.trainableNames().stream().map(n -> ENCODER + n).collect(java.util.stream.Collectors.toSet());
        groups.add(new LayerGroup("embeddings", without(prefixed(encoder.embeddings().namedParameters(), ENCODER + "embeddings."),
                moved), false));
        for (int i = 0; i < encoder.numLayers(); i++) {
            groups.add(new LayerGroup("encoder.layer." + i, without(
                    prefixed(encoder.layers().get(i).namedParameters(), ENCODER + "encoder.layer." + i + "."), moved), false));
        }
        if (peft != null) {
            groups.add(new LayerGroup(peft.spec().method().key(), peft.trainableNames().stream().map(n -> ENCODER + n).toList(),
                    false));
        }
        groups.add(new LayerGroup("head", prefixed(head.namedParameters(), HEAD), true));
        return groups;
    }

    private static List<String> without(List<String> names, java.util.Set<String> excluded) {
        return names.stream().filter(n -> !excluded.contains(n)).toList();
    }

    private static List<String> prefixed(Map<String, Parameter> params, String prefix) {
        return params.keySet().stream().map(n -> prefix + n).toList();
    }
}
