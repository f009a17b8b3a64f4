package dev.graft.model.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.graft.tensor.TensorData;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Imports the bundled all-MiniLM-L6-v2 ONNX export into {@link BertModel} and compares it with ONNX Runtime. */
class BertOnnxEquivalenceTest {

    private static final List<String> SENTENCES = List.of(
            "Hello world.",
            "The quick brown fox jumps over the lazy dog.",
            "Transfer learning lets a small labelled data set benefit from a large pretrained encoder.",
            "Is it raining?",
            "I bought a new bicycle yesterday, and today I rode it along the river to the old bridge and back.",
            "Java runs on the JVM.",
            "Sentence embeddings map text of any length to a fixed-size vector that captures its meaning.",
            "No.",
            "The committee postponed the vote until every member had read the amended proposal in full.");

    private static NDManager manager;
    private static BertModel model;
    private static Map<String, TensorData> weights;

    @BeforeAll
    static void importModel() throws Exception {
        weights = BertWeights.fromOnnx(MiniLmFixture.graph());
        manager = NDManager.newBaseManager();
        model = new BertModel(BertConfig.miniLmL6());
        model.initialize(manager);
        LoadReport report = BertWeights.load(model, weights);
        assertTrue(report.isClean(), report.toString());
    }

    @AfterAll
    static void close() {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void importedParameterCountIsExact() {
        long fromWeights = weights.values().stream().mapToLong(t -> t.data().length).sum();
        long inModel = model.namedParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        System.out.println("Imported parameters: " + fromWeights + " tensors: " + weights.size());
        assertEquals(22_565_376L, fromWeights);
        assertEquals(22_565_376L, inModel);
        assertEquals(6 * 16 + 5, weights.size());
    }

    @Test
    void configInferredFromOnnxMatchesMiniLm() throws Exception {
        assertEquals(BertConfig.miniLmL6(), BertConfigInference.fromOnnx(MiniLmFixture.graph()));
    }

    @Test
    void lastHiddenStateAndMeanPoolingMatchOnnxRuntime() throws Exception {
        long[][] ids;
        long[][] mask;
        long[][] types;
        try (InputStream in = MiniLmFixture.open(MiniLmFixture.TOKENIZER);
             HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false"))) {
            Encoding[] enc = SENTENCES.stream().map(tok::encode).toArray(Encoding[]::new);
            int maxLen = 0;
            for (Encoding e : enc) {
                maxLen = Math.max(maxLen, e.getIds().length);
            }
            ids = new long[enc.length][maxLen];
            mask = new long[enc.length][maxLen];
            types = new long[enc.length][maxLen];
            for (int i = 0; i < enc.length; i++) {
                System.arraycopy(enc[i].getIds(), 0, ids[i], 0, enc[i].getIds().length);
                System.arraycopy(enc[i].getAttentionMask(), 0, mask[i], 0, enc[i].getIds().length);
                System.arraycopy(enc[i].getTypeIds(), 0, types[i], 0, enc[i].getIds().length);
            }
        }
        int b = ids.length;
        int t = ids[0].length;
        assertTrue(t > 20 && Math.min(countTokens(mask[0]), countTokens(mask[7])) < 6, "batch needs varied lengths");

        float[][][] reference = runOnnxRuntime(ids, mask, types);

        try (NDManager step = manager.newSubManager()) {
            NDArray idArr = step.create(flat(ids), new Shape(b, t));
            NDArray maskArr = step.create(flat(mask), new Shape(b, t));
            NDArray typeArr = step.create(flat(types), new Shape(b, t));
            NDList out = model.forward(new ParameterStore(step, false), new NDList(idArr, maskArr, typeArr), false);
            NDArray hidden = out.singletonOrThrow();
            assertEquals(new Shape(b, t, 384), hidden.getShape());
            float[] ours = hidden.toFloatArray();

            double maxTokenDiff = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    if (mask[i][j] == 0) {
                        continue;
                    }
                    for (int k = 0; k < 384; k++) {
                        double d = Math.abs(ours[(i * t + j) * 384 + k] - reference[i][j][k]);
                        maxTokenDiff = Math.max(maxTokenDiff, d);
                    }
                }
            }

            float[] pooled = BertModel.meanPool(hidden, maskArr).toFloatArray();
            double maxPoolDiff = 0;
            for (int i = 0; i < b; i++) {
                int n = countTokens(mask[i]);
                for (int k = 0; k < 384; k++) {
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        sum += mask[i][j] * reference[i][j][k];
                    }
                    maxPoolDiff = Math.max(maxPoolDiff, Math.abs(pooled[i * 384 + k] - sum / n));
                }
            }
            System.out.printf("BERT vs ONNX Runtime (batch %d x %d tokens): max |diff| last_hidden_state = %.3e, "
                    + "mean-pooled = %.3e%n", b, t, maxTokenDiff, maxPoolDiff);
            assertTrue(maxTokenDiff <= 1e-4, "last hidden state max abs diff " + maxTokenDiff);
            assertTrue(maxPoolDiff <= 1e-4, "mean-pooled max abs diff " + maxPoolDiff);
            assertEquals(DataType.FLOAT32, hidden.getDataType());
        }
    }

    private static float[][][] runOnnxRuntime(long[][] ids, long[][] mask, long[][] types) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            opts.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(MiniLmFixture.modelBytes(), opts)) {
                long[] shape = {ids.length, ids[0].length};
                try (OnnxTensor i = OnnxTensor.createTensor(env, LongBuffer.wrap(flat(ids)), shape);
                     OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(flat(mask)), shape);
                     OnnxTensor y = OnnxTensor.createTensor(env, LongBuffer.wrap(flat(types)), shape);
                     OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", y))) {
                    return (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
                }
            }
        }
    }

    private static int countTokens(long[] mask) {
        int n = 0;
        for (long v : mask) {
            n += (int) v;
        }
        return n;
    }

    private static long[] flat(long[][] a) {
        int cols = a[0].length;
        long[] out = new long[a.length * cols];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * cols, cols);
        }
        return out;
    }
}
