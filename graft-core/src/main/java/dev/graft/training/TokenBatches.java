package dev.graft.training;

import dev.graft.task.Targets;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.model.text.TokenBatch;
import dev.graft.model.text.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Tokenised texts with labels. Each batch is padded only to its own longest text (dynamic
 * padding) and, by default, batches are built from texts of similar length (length bucketing).
 */
public final class TokenBatches implements BatchSource {

    private final List<TokenizedText> texts;
    private final Targets targets;
    private final long padId;
    private final boolean bucketing;
    private final int fixedLength;

    private TokenBatches(List<TokenizedText> texts, Targets targets, long padId, boolean bucketing, int fixedLength) {
        if (texts.size() != targets.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + targets.size() + " targets");
        }
        this.texts = List.copyOf(texts);
        this.targets = targets;
        this.padId = padId;
        this.bucketing = bucketing;
        this.fixedLength = fixedLength;
    }

    /** Dynamic padding with length bucketing (the default). */
    public static TokenBatches bucketed(List<TokenizedText> texts, int[] labels, long padId) {
        return new TokenBatches(texts, new Targets.Classes(labels.clone()), padId, true, 0);
    }

    /** {@link #bucketed(List, int[], long)} for the targets of any task. */
    public static TokenBatches bucketed(List<TokenizedText> texts, Targets targets, long padId) {
        return new TokenBatches(texts, targets, padId, true, 0);
    }

    /** Dynamic padding in uniformly shuffled batches (no bucketing). */
    public static TokenBatches shuffled(List<TokenizedText> texts, int[] labels, long padId) {
        return new TokenBatches(texts, new Targets.Classes(labels.clone()), padId, false, 0);
    }

    /** Every batch padded to {@code length} tokens, as Hugging Face's default does (for comparison). */
    public static TokenBatches fixedLength(List<TokenizedText> texts, int[] labels, long padId, int length) {
        return new TokenBatches(texts, new Targets.Classes(labels.clone()), padId, false, length);
    }

    @Override
    public int size() {
        return targets.size();
    }

    @Override
    public Targets targets() {
        return targets;
    }

    @Override
    public int[] labels() {
        if (targets instanceof Targets.Classes c) {
            return c.classes().clone();
        }
        throw new IllegalStateException("these texts have " + targets.getClass().getSimpleName() + " targets, not classes");
    }

    /** Token count of example {@code i}. */
    public int length(int i) {
        return texts.get(i).length();
    }

    @Override
    public List<int[]> epochBatches(int batchSize, Random rng) {
        return bucketing ? Batching.lengthBuckets(size(), this::length, batchSize, rng)
                : BatchSource.super.epochBatches(batchSize, rng);
    }

    @Override
    public List<int[]> inferenceBatches(int batchSize) {
        int[] byLength = java.util.stream.IntStream.range(0, size()).boxed()
                .sorted(java.util.Comparator.comparingInt(this::length)).mapToInt(Integer::intValue).toArray();
        return Batching.chunks(byLength, batchSize);
    }

    /** The padded token batch for these examples. */
    public TokenBatch batch(int[] indices) {
        List<TokenizedText> chunk = new ArrayList<>(indices.length);
        for (int i : indices) {
            chunk.add(texts.get(i));
        }
        TokenBatch b = TokenBatch.pad(chunk, padId);
        return fixedLength > b.length() ? TokenBatch.padTo(b, fixedLength, padId) : b;
    }

    @Override
    public NDList inputs(NDManager manager, int[] indices) {
        TokenBatch b = batch(indices);
        Shape shape = new Shape(b.size(), b.length());
        return new NDList(manager.create(b.inputIds(), shape), manager.create(b.attentionMask(), shape),
                manager.create(b.tokenTypeIds(), shape));
    }
}
