package dev.graft.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.graft.model.OrtTempDirectory;
import dev.graft.model.text.TokenBatch;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The raw ONNX Runtime peer of frozen feature extraction, with the same session options Graft's
 * encoder uses. Two ways in: {@link #runTexts} is what a user would write by hand with the same
 * libraries, text in and hidden states out (DJL's Hugging Face tokenizer with the model's
 * truncation, texts sorted by length, batches padded to their longest, {@code OrtSession.run}), and
 * does the same work as Graft's pipeline; {@link #runPrepared} feeds tensors made before the clock
 * starts, for the engine alone.
 */
final class RawOrt implements AutoCloseable {

    private final OrtEnvironment env = OrtTempDirectory.environment();
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final long padId;
    private final int batchSize;
    private final boolean tokenTypes;
    private final Set<String> outputs;
    private final List<Map<String, OnnxTensor>> prepared = new ArrayList<>();

    /**
     * A session on {@code onnx} with {@code threads} intra-op threads, a tokenizer on {@code tokenizerJson}, and
     * {@code batches} turned into tensors for {@link #runPrepared}.
     */
    RawOrt(Path onnx, Path tokenizerJson, int maxLength, long padId, int threads, int batchSize, List<TokenBatch> batches)
            throws OrtException, IOException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(onnx.toString(), o);
        }
        tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson).optPadding(false).optTruncation(true)
                .optMaxLength(maxLength).optAddSpecialTokens(true).build();
        this.padId = padId;
        this.batchSize = batchSize;
        outputs = Set.of(session.getOutputNames().iterator().next());
        tokenTypes = session.getInputNames().contains("token_type_ids");
        for (TokenBatch b : batches) {
            prepared.add(tensors(b.size(), b.length(), b.inputIds(), b.attentionMask(), b.tokenTypeIds()));
        }
    }

    /** Runs every prepared batch. */
    void runPrepared() throws OrtException {
        for (Map<String, OnnxTensor> in : prepared) {
            run(in);
        }
    }

    /** Tokenises {@code texts}, sorts them by length, pads each batch to its longest and runs it; returns the batches run. */
    int runTexts(List<String> texts) throws OrtException {
        Encoding[] enc = tokenizer.batchEncode(texts);
        Integer[] order = IntStream.range(0, enc.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> enc[i].getIds().length));
        int runs = 0;
        for (int st = 0; st < order.length; st += batchSize) {
            int n = Math.min(batchSize, order.length - st);
            int len = enc[order[st + n - 1]].getIds().length;
            long[] ids = new long[n * len];
            long[] mask = new long[n * len];
            long[] types = new long[n * len];
            Arrays.fill(ids, padId);
            for (int k = 0; k < n; k++) {
                Encoding e = enc[order[st + k]];
                long[] eIds = e.getIds();
                System.arraycopy(eIds, 0, ids, k * len, eIds.length);
                System.arraycopy(e.getTypeIds(), 0, types, k * len, eIds.length);
                Arrays.fill(mask, k * len, k * len + eIds.length, 1L);
            }
            Map<String, OnnxTensor> in = tensors(n, len, ids, mask, types);
            try {
                run(in);
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
            runs++;
        }
        return runs;
    }

    private Map<String, OnnxTensor> tensors(int size, int length, long[] ids, long[] mask, long[] types) throws OrtException {
        long[] shape = {size, length};
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        if (tokenTypes) {
            in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
        }
        return in;
    }

    private void run(Map<String, OnnxTensor> in) throws OrtException {
        try (OrtSession.Result r = session.run(in, outputs)) {
            r.size();
        }
    }

    @Override
    public void close() throws OrtException {
        prepared.forEach(m -> m.values().forEach(OnnxTensor::close));
        tokenizer.close();
        session.close();
    }
}
