package dev.graft.model.text;

import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The batching both frozen encoders share: texts sorted by token length, cut into batches padded
 * only to their own longest text, vectors returned in input order.
 */
final class LengthSortedEncoding {

    private LengthSortedEncoding() {
    }

    /**
     * @param encodeBatch turns one padded batch into one vector per row
     */
    static float[][] encode(List<TokenizedText> tokens, int batchSize, long padId, Function<TokenBatch, float[][]> encodeBatch,
                            Progress progress, String task) {
        Integer[] order = IntStream.range(0, tokens.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> tokens.get(i).length()));
        float[][] out = new float[tokens.size()][];
        progress.start(task, tokens.size());
        try {
            for (int start = 0; start < order.length; start += batchSize) {
                int end = Math.min(order.length, start + batchSize);
                List<TokenizedText> chunk = new ArrayList<>(end - start);
                for (int k = start; k < end; k++) {
                    chunk.add(tokens.get(order[k]));
                }
                float[][] vectors = encodeBatch.apply(TokenBatch.pad(chunk, padId));
                for (int k = start; k < end; k++) {
                    out[order[k]] = vectors[k - start];
                }
                progress.step(end - start);
            }
        } finally {
            progress.done();
        }
        return out;
    }
}
