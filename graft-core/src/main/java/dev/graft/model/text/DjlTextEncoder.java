package dev.graft.model.text;

import ai.djl.Device;
import dev.graft.model.torch.ConstantBf16Weights;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertModel;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The trainable form of a text encoder run frozen: the project's BERT module on DJL/libtorch, in
 * inference mode. Used for models without an ONNX export and for fine-tuned encoders, whose
 * weights it can save ({@link #saveTo}).
 */
public final class DjlTextEncoder implements SentenceEncoder {

    private final TextModelSpec spec;
    private final BertModel model;
    private final TextTokenizer tokenizer;
    private final NDManager manager;
    private final boolean ownsManager;
    private final int batchSize;
    private ConstantBf16Weights.Kept settled;

    private DjlTextEncoder(TextModelSpec spec, BertModel model, TextTokenizer tokenizer, NDManager manager, boolean ownsManager,
                           int batchSize) {
        this.spec = spec;
        this.model = model;
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.ownsManager = ownsManager;
        this.batchSize = batchSize;
    }

    /** Loads the model's weights (from ONNX initializers or safetensors) into a new module. */
    public static DjlTextEncoder open(TextModelSpec spec, int batchSize) {
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try {
            BertModel model = spec.hasOnnx() ? BertBackbone.fromOnnx(spec.onnxFile(), manager, 0f)
                    : BertBackbone.fromDirectory(spec.directory(), manager, 0f);
            return new DjlTextEncoder(spec, model, TextTokenizer.open(spec.tokenizerFile(), spec.maxLength()), manager, true, batchSize);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException("Cannot open tokenizer of " + spec.id() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Wraps a module trained in this process (its manager stays with the caller).
     *
     * @param spec the pretrained model it started from (id, tokenizer, pooling, maximum length)
     */
    public static DjlTextEncoder wrap(TextModelSpec spec, BertModel model, int batchSize) {
        try {
            NDManager parent = model.namedParameters().values().iterator().next().getArray().getManager();
            return new DjlTextEncoder(spec, model, TextTokenizer.open(spec.tokenizerFile(), spec.maxLength()), parent, false, batchSize);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open tokenizer of " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Wraps a module trained in this process and takes {@code manager}, which owns its weights: closing the encoder
     * closes it.
     */
    public static DjlTextEncoder own(TextModelSpec spec, BertModel model, NDManager manager, int batchSize) {
        try {
            return new DjlTextEncoder(spec, model, TextTokenizer.open(spec.tokenizerFile(), spec.maxLength()), manager, true, batchSize);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open tokenizer of " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Declares the module's weights settled: nothing changes them until {@link #unsettleWeights} or {@link #close} (a
     * loaded model that only predicts). Its bfloat16 products then cast each weight once for the encoder's life instead
     * of once per call, which is most of a short call's time; the copies take half the weights' float32 memory, made on
     * the first bf16 pass. In fp32 it changes nothing.
     *
     * @return this encoder
     */
    public synchronized DjlTextEncoder settleWeights() {
        if (settled == null) {
            settled = new ConstantBf16Weights.Kept();
        }
        return this;
    }

    /** Frees the copies {@link #settleWeights} kept, before something changes the weights (a LoRA merge). */
    public synchronized void unsettleWeights() {
        if (settled != null) {
            settled.close();
            settled = null;
        }
    }

    /** How many bfloat16 weight copies the encoder keeps while its weights are settled (0 otherwise). */
    public synchronized int keptCopies() {
        return settled == null ? 0 : settled.size();
    }

    /** The scope a call runs in: its weights do not change during it, nor after it while they are settled. */
    private synchronized ConstantBf16Weights.Scope constantWeights() {
        return settled != null ? ConstantBf16Weights.whileInferring(settled) : ConstantBf16Weights.whileInferring();
    }

    @Override
    public float[][] encode(List<String> texts, Progress progress) {
        // the frozen weights: a bfloat16 product casts each once per call, or once while they are settled
        try (ConstantBf16Weights.Scope constant = constantWeights()) {
            return LengthSortedEncoding.encode(tokenizer.tokenize(texts), batchSize, tokenizer.padId(), this::encodeBatch,
                    progress, "Embedding with " + spec.id() + " (libtorch)");
        }
    }

    @Override
    public float[][] encodePairs(List<String> first, List<String> second, Progress progress) {
        try (ConstantBf16Weights.Scope constant = constantWeights()) {
            return LengthSortedEncoding.encode(tokenizer.tokenize(first, second), batchSize, tokenizer.padId(),
                    this::encodeBatch, progress, "Embedding pairs with " + spec.id() + " (libtorch)");
        }
    }

    private float[][] encodeBatch(TokenBatch b) {
        int width = model.config().hiddenSize();
        try (NDManager step = manager.newSubManager()) {
            Shape shape = new Shape(b.size(), b.length());
            NDList in = new NDList(step.create(b.inputIds(), shape), step.create(b.attentionMask(), shape),
                    step.create(b.tokenTypeIds(), shape));
            NDArray hidden = model.forward(new ParameterStore(step, false), in, false).singletonOrThrow();
            float[] pooled = TransformerClassifier.pool(hidden, in.get(1), spec.pooling()).toFloatArray();
            float[][] out = new float[b.size()][];
            for (int i = 0; i < b.size(); i++) {
                out[i] = java.util.Arrays.copyOfRange(pooled, i * width, (i + 1) * width);
            }
            return out;
        }
    }

    /**
     * Writes this encoder as a safetensors backbone directory ({@code config.json},
     * {@code model.safetensors}, {@code tokenizer.json}, {@code backbone.json}).
     *
     * @return the spec describing the written directory
     */
    public TextModelSpec saveTo(Path dir) throws IOException {
        BertBackbone.save(model, dir);
        SentenceEncoders.copy(spec.tokenizerFile(), dir.resolve(TextModelSpec.TOKENIZER_FILE));
        TextModelSpec saved = new TextModelSpec(spec.id(), dir, Hashes.sha256(dir.resolve(BertBackbone.WEIGHTS_FILE)),
                spec.maxLength(), spec.pooling(), spec.license(), spec.source());
        TextModels.writeMetadata(saved, dir);
        return saved;
    }

    /** The module. While its weights are {@linkplain #settleWeights settled}, {@link #unsettleWeights} before changing one. */
    public BertModel model() {
        return model;
    }

    @Override
    public int dimension() {
        return model.config().hiddenSize();
    }

    @Override
    public TextModelSpec spec() {
        return spec;
    }

    @Override
    public void close() {
        unsettleWeights();
        tokenizer.close();
        if (ownsManager) {
            manager.close();
        }
    }
}
