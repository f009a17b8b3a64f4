package dev.graft.model.text;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertModel;
import dev.graft.util.Progress;
import java.util.Arrays;
import java.util.List;

/**
 * A frozen encoder's last hidden state for every token of already-framed sequences (token classification reads each
 * token's vector, not a pooled one): ONNX Runtime when the backbone has an ONNX export, else the libtorch BERT
 * module without gradients. Sequences are sorted by length and padded per batch; each comes back as its own tokens'
 * vectors, row-major ({@code length · dimension} values).
 */
public final class TokenStates implements AutoCloseable {

    private final OnnxTextEncoder onnx;
    private final BertModel torch;
    private final NDManager manager;
    private final long padId;
    private final int dimension;
    private final int batchSize;

    private TokenStates(OnnxTextEncoder onnx, BertModel torch, NDManager manager, long padId, int dimension, int batchSize) {
        this.onnx = onnx;
        this.torch = torch;
        this.manager = manager;
        this.padId = padId;
        this.dimension = dimension;
        this.batchSize = batchSize;
    }

    /**
     * Opens the encoder of {@code spec}.
     *
     * @param threads   CPU threads for ONNX Runtime
     * @param batchSize sequences per forward pass
     */
    public static TokenStates open(TextModelSpec spec, int threads, int batchSize) {
        if (spec.hasOnnx()) {
            OnnxTextEncoder e = OnnxTextEncoder.open(spec, threads, batchSize);
            return new TokenStates(e, null, null, e.tokenizer().padId(), e.hiddenWidth(), batchSize);
        }
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        try (TextTokenizer tokenizer = TextTokenizer.open(spec.tokenizerFile(), spec.maxLength())) {
            BertModel model = BertBackbone.fromDirectory(spec.directory(), manager, 0f);
            return new TokenStates(null, model, manager, tokenizer.padId(), model.config().hiddenSize(), batchSize);
        } catch (java.io.IOException e) {
            manager.close();
            throw new java.io.UncheckedIOException("Cannot open the tokenizer of " + spec.id() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The width of one token's vector. */
    public int dimension() {
        return dimension;
    }

    /** The hidden states of every sequence, in input order. */
    public float[][] states(List<TokenizedText> sequences, Progress progress) {
        return LengthSortedEncoding.encode(sequences, batchSize, padId, this::batch, progress, "Token states");
    }

    private float[][] batch(TokenBatch b) {
        float[] hidden = onnx != null ? onnx.hiddenStates(b) : torchStates(b);
        float[][] out = new float[b.size()][];
        int stride = b.length() * dimension;
        for (int i = 0; i < b.size(); i++) {
            int tokens = (int) Arrays.stream(b.maskRow(i)).sum(); // right padding: the first tokens are the sequence
            out[i] = Arrays.copyOfRange(hidden, i * stride, i * stride + tokens * dimension);
        }
        return out;
    }

    private float[] torchStates(TokenBatch b) {
        try (NDManager step = manager.newSubManager()) {
            Shape shape = new Shape(b.size(), b.length());
            NDList in = new NDList(step.create(b.inputIds(), shape), step.create(b.attentionMask(), shape),
                    step.create(b.tokenTypeIds(), shape));
            NDArray hidden = torch.forward(new ParameterStore(step, false), in, false).singletonOrThrow();
            return hidden.toFloatArray();
        }
    }

    @Override
    public void close() {
        if (onnx != null) {
            onnx.close();
        }
        if (manager != null) {
            manager.close();
        }
    }
}
