package dev.graft.model.text;

import ai.djl.Device;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.graft.model.OrtDevices;
import dev.graft.model.OrtTempDirectory;
import dev.graft.model.bert.BertConfigInference;
import dev.graft.tensor.onnx.OnnxModelFile;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast frozen form of a text encoder: ONNX Runtime with its own CPU kernels. Texts are sorted
 * by token length and batched so each batch is padded only to its own longest text.
 */
public final class OnnxTextEncoder implements SentenceEncoder {

    /** Default number of texts per forward pass. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final TextModelSpec spec;
    private final TextTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String outputName;
    private final List<String> layerOutputs;
    private final boolean takesTokenTypes;
    private final int width;
    private final int dimension;
    private final int batchSize;

    private OnnxTextEncoder(TextModelSpec spec, TextTokenizer tokenizer, OrtEnvironment env, OrtSession session,
                            int batchSize, List<String> layerOutputs) throws OrtException {
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.env = env;
        this.session = session;
        this.batchSize = batchSize;
        this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
        for (String required : List.of("input_ids", "attention_mask")) {
            if (!session.getInputNames().contains(required)) {
                throw new IllegalArgumentException("ONNX model " + spec.onnxFile() + " has no input '" + required
                        + "' (inputs: " + session.getInputNames() + "); Graft expects a BERT-style encoder.");
            }
        }
        NodeInfo out = session.getOutputInfo().values().iterator().next();
        this.outputName = out.getName();
        this.layerOutputs = layerOutputs == null ? List.of(outputName) : layerOutputs;
        long[] shape = ((TensorInfo) out.getInfo()).getShape();
        if (shape.length != 3 || shape[2] <= 0) {
            throw new IllegalArgumentException("ONNX model " + spec.onnxFile() + " output '" + outputName
                    + "' has shape " + java.util.Arrays.toString(shape) + "; expected [batch, tokens, hidden].");
        }
        this.width = (int) shape[2];
        this.dimension = spec.pooling().dimension(width);
    }

    /**
     * Opens the model with {@code threads} intra-op threads. The ONNX file is read once: parsed (a file that keeps
     * tensors in external files is refused), checked against {@code spec.sha256()}, and those same bytes are what
     * ONNX Runtime runs.
     *
     * @param threads   CPU threads for ONNX Runtime (set explicitly; never 0)
     * @param batchSize texts per forward pass
     * @throws IllegalStateException if the file is refused, changed since {@code spec} was read, or ONNX Runtime fails
     */
    public static OnnxTextEncoder open(TextModelSpec spec, int threads, int batchSize) {
        return open(spec, threads, batchSize, Device.cpu());
    }

    /**
     * {@link #open(TextModelSpec, int, int)} on {@code device}: the CPU, or a GPU through ONNX Runtime's CUDA provider
     * ({@link OrtDevices}).
     *
     * @throws IllegalArgumentException for a GPU when the loaded ONNX Runtime has no CUDA provider
     */
    public static OnnxTextEncoder open(TextModelSpec spec, int threads, int batchSize, Device device) {
        OnnxModelFile model;
        try {
            model = OnnxModelFile.read(spec.onnxFile());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot use the ONNX model of " + spec.id() + ": " + e.getMessage(), e);
        }
        if (!model.sha256().equals(spec.sha256())) {
            throw new IllegalStateException("ONNX model " + spec.onnxFile() + " has SHA-256 " + model.sha256() + " but "
                    + spec.id() + " was resolved with " + spec.sha256() + ": the file changed after it was checked."
                    + " Nothing was computed with it; run again, and if this persists something is modifying the file.");
        }
        TextTokenizer tokenizer = null;
        try {
            tokenizer = TextTokenizer.open(spec.tokenizerFile(), spec.maxLength());
            OrtEnvironment env = OrtTempDirectory.environment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(Math.max(1, threads));
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtDevices.configure(options, device);
            InnerLayerOutputs layers = spec.pooling().layers() == 1 ? null : layerOutputs(spec, model);
            OrtSession session = env.createSession(layers == null ? model.bytes() : layers.bytes(), options);
            return new OnnxTextEncoder(spec, tokenizer, env, session, batchSize, layers == null ? null : layers.outputs());
        } catch (IOException e) {
            closeQuietly(tokenizer);
            throw new UncheckedIOException("Cannot open tokenizer of " + spec.id() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(tokenizer);
            throw e;
        } catch (OrtException e) {
            closeQuietly(tokenizer);
            throw new IllegalStateException("ONNX Runtime cannot load " + spec.onnxFile() + ": " + e.getMessage(), e);
        }
    }

    /** The model with the outputs of the inner layers {@code spec}'s pooling reads. */
    private static InnerLayerOutputs layerOutputs(TextModelSpec spec, OnnxModelFile model) {
        int width;
        try {
            width = BertConfigInference.fromOnnx(model.graph()).hiddenSize();
        } catch (IOException e) {
            throw new IllegalArgumentException("Pooling " + spec.pooling().key() + " reads inner layers, but the ONNX model of "
                    + spec.id() + " is not a BERT encoder Graft can read: " + e.getMessage(), e);
        }
        return InnerLayerOutputs.of(model.graph(), model.bytes(), model.graph().outputs().get(0), width, spec.pooling().layers());
    }

    /** Opens with the default batch size and as many threads as the machine has cores. */
    public static OnnxTextEncoder open(TextModelSpec spec) {
        return open(spec, Runtime.getRuntime().availableProcessors(), DEFAULT_BATCH_SIZE);
    }

    @Override
    public float[][] encode(List<String> texts, Progress progress) {
        return LengthSortedEncoding.encode(tokenizer.tokenize(texts), batchSize, tokenizer.padId(), this::encodeBatch, progress,
                "Embedding with " + spec.id());
    }

    @Override
    public float[][] encodePairs(List<String> first, List<String> second, Progress progress) {
        return LengthSortedEncoding.encode(tokenizer.tokenize(first, second), batchSize, tokenizer.padId(), this::encodeBatch,
                progress, "Embedding pairs with " + spec.id());
    }

    /** Runs one padded batch and returns the last hidden state, row-major {@code [B, T, H]}. */
    public float[] hiddenStates(TokenBatch batch) {
        return run(batch, List.of(outputName)).get(0);
    }

    /** Runs one padded batch and returns the requested outputs, each row-major {@code [B, T, H]}. */
    private List<float[]> run(TokenBatch batch, List<String> outputs) {
        long[] shape = {batch.size(), batch.length()};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds()), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape));
            if (takesTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.tokenTypeIds()), shape));
            }
            try (OrtSession.Result result = session.run(inputs, new java.util.LinkedHashSet<>(outputs))) {
                List<float[]> states = new java.util.ArrayList<>();
                for (String name : outputs) {
                    states.add(floats(((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer()));
                }
                return states;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + batch.size() + " texts: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The values of {@code fb}: ONNX Runtime's {@code getFloatBuffer} already copies the output into a new heap buffer,
     * so its array is taken as it is rather than copied a second time (a batch's hidden states are megabytes).
     */
    private static float[] floats(FloatBuffer fb) {
        if (fb.hasArray() && fb.arrayOffset() == 0 && fb.position() == 0 && fb.remaining() == fb.array().length) {
            return fb.array();
        }
        float[] values = new float[fb.remaining()];
        fb.get(values);
        return values;
    }

    private float[][] encodeBatch(TokenBatch batch) {
        List<float[]> states = run(batch, layerOutputs);
        float[][] pooled = new float[batch.size()][];
        int stride = batch.length() * width;
        for (int i = 0; i < batch.size(); i++) {
            pooled[i] = spec.pooling().pool(states, i * stride, batch.maskRow(i), width);
        }
        return pooled;
    }

    /** The tokenizer this encoder uses (truncating to the model's maximum length). */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Width of one token's hidden state ({@link #dimension()} is the pooled vector's). */
    public int hiddenWidth() {
        return width;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public TextModelSpec spec() {
        return spec;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session cannot lose data; nothing useful to do
        }
        tokenizer.close();
    }

    private static void closeQuietly(TextTokenizer t) {
        if (t != null) {
            t.close();
        }
    }
}
