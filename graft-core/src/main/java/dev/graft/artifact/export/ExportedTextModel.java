package dev.graft.artifact.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.model.OrtTempDirectory;
import dev.graft.model.text.TextTokenizer;
import dev.graft.model.text.TokenBatch;
import dev.graft.model.text.TokenizedText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * An exported text model run by ONNX Runtime alone: its tokenizer file, and the graph whose single output is the
 * task's (probabilities, scores or value). Texts are sorted by length and batched, each batch padded to its longest
 * text, as Graft's encoders do. Used to check an export against Graft's own predictions, to score an int8 graph and
 * to time the exported graph.
 */
public final class ExportedTextModel implements AutoCloseable {

    private static final int BATCH = 32;

    private final OrtSession session;
    private final TextTokenizer tokenizer;
    private final boolean takesTokenTypes;
    private final OrtEnvironment env = OrtTempDirectory.environment();

    private ExportedTextModel(OrtSession session, TextTokenizer tokenizer) throws OrtException {
        this.session = session;
        this.tokenizer = tokenizer;
        this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /**
     * Opens an exported graph held in memory with its tokenizer.
     *
     * @param threads ONNX Runtime intra-op threads
     */
    public static ExportedTextModel open(byte[] model, Path tokenizerJson, int maxLength, int threads) {
        TextTokenizer tokenizer = null;
        try {
            tokenizer = TextTokenizer.open(tokenizerJson, maxLength);
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(Math.max(1, threads));
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new ExportedTextModel(OrtTempDirectory.environment().createSession(model, options), tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        } catch (OrtException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw new IllegalStateException("ONNX Runtime cannot load the exported graph: " + e.getMessage(), e);
        }
    }

    /** The graph's outputs for single texts, one row per text in input order. */
    public float[][] outputs(List<String> texts) {
        return run(tokenizer.tokenize(texts));
    }

    /** The graph's outputs for text pairs read as one sequence ({@code [CLS] a [SEP] b [SEP]}). */
    public float[][] outputs(List<String> first, List<String> second) {
        return run(tokenizer.tokenize(first, second));
    }

    private float[][] run(List<TokenizedText> tokens) {
        int[] order = IntStream.range(0, tokens.size()).boxed().sorted(Comparator.comparingInt(i -> tokens.get(i).length()))
                .mapToInt(Integer::intValue).toArray();
        float[][] out = new float[tokens.size()][];
        for (int from = 0; from < order.length; from += BATCH) {
            int to = Math.min(order.length, from + BATCH);
            List<TokenizedText> batch = new ArrayList<>();
            for (int i = from; i < to; i++) {
                batch.add(tokens.get(order[i]));
            }
            float[][] rows = batch(TokenBatch.pad(batch, tokenizer.padId()));
            for (int i = from; i < to; i++) {
                out[order[i]] = rows[i - from];
            }
        }
        return out;
    }

    private float[][] batch(TokenBatch b) {
        long[] shape = {b.size(), b.length()};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(b.inputIds()), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(b.attentionMask()), shape));
            if (takesTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(b.tokenTypeIds()), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor t = (OnnxTensor) result.get(0);
                long[] s = t.getInfo().getShape();
                FloatBuffer fb = t.getFloatBuffer();
                float[][] rows = new float[(int) s[0]][(int) s[1]];
                for (float[] row : rows) {
                    fb.get(row);
                }
                return rows;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on the exported graph: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing cannot lose data
        }
        tokenizer.close();
    }
}
