package dev.graft.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.graft.model.text.TokenBatch;
import dev.graft.model.text.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Unlabelled texts for masked-language modelling: batches padded and length-bucketed as by
 * {@link TokenBatches}, each text masked by {@link TokenMasking}.
 *
 * <p>Masking is dynamic and reproducible: the masks of an epoch come from a seed drawn from that
 * epoch's random generator (the one {@link #epochBatches} receives), and each text's mask from that
 * seed and the text's index, so it does not depend on which batch the text lands in, and a resumed
 * run masks exactly as the uninterrupted one. Before the first {@code epochBatches} call (and so for
 * a validation source, which is never shuffled) the seed is the constructor's: the same masks in
 * every evaluation.
 *
 * <p>{@link #inputs} gives {@code (inputIds, attentionMask, tokenTypeIds, targetMask)};
 * {@link #labels(NDManager, int[])} gives the original ids of the targets, in row-major order.
 */
public final class MaskedLmBatches implements BatchSource {

    private final TokenBatches tokens;
    private final TokenMasking masking;
    private long maskSeed;

    /**
     * @param texts   tokenised texts (special tokens included)
     * @param masking how to mask
     * @param padId   the padding id
     * @param seed    the mask seed until the first {@link #epochBatches} call
     */
    public MaskedLmBatches(List<TokenizedText> texts, TokenMasking masking, long padId, long seed) {
        this.tokens = TokenBatches.bucketed(texts, new int[texts.size()], padId);
        this.masking = masking;
        this.maskSeed = seed;
    }

    @Override
    public int size() {
        return tokens.size();
    }

    /** All zeros: the texts have no class (the targets are tokens, see {@link #labels(NDManager, int[])}). */
    @Override
    public int[] labels() {
        return new int[size()];
    }

    /** Length-bucketed batches; also draws this epoch's mask seed from {@code rng}. */
    @Override
    public List<int[]> epochBatches(int batchSize, Random rng) {
        List<int[]> batches = tokens.epochBatches(batchSize, rng);
        maskSeed = rng.nextLong();
        return batches;
    }

    @Override
    public List<int[]> inferenceBatches(int batchSize) {
        return tokens.inferenceBatches(batchSize);
    }

    /**
     * A masked, padded batch.
     *
     * @param tokens  the padded batch with masked ids
     * @param target  {@code [size × length]} row-major, true where the loss is computed
     * @param targets the original ids at the target positions, row-major
     */
    public record Masked(TokenBatch tokens, boolean[] target, long[] targets) {
    }

    /** The examples at {@code indices}, padded and masked. */
    public Masked batch(int[] indices) {
        TokenBatch b = tokens.batch(indices);
        long[] ids = b.inputIds().clone();
        boolean[] target = new boolean[ids.length];
        List<Long> targets = new ArrayList<>();
        for (int r = 0; r < indices.length; r++) {
            int len = tokens.length(indices[r]);
            long[] row = java.util.Arrays.copyOfRange(b.inputIds(), r * b.length(), r * b.length() + len);
            TokenMasking.Masked m = masking.mask(row, textRandom(indices[r]));
            for (int t = 0; t < len; t++) {
                ids[r * b.length() + t] = m.ids()[t];
                if (m.target()[t]) {
                    target[r * b.length() + t] = true;
                    targets.add(row[t]);
                }
            }
        }
        TokenBatch masked = new TokenBatch(b.size(), b.length(), ids, b.attentionMask(), b.tokenTypeIds());
        return new Masked(masked, target, targets.stream().mapToLong(Long::longValue).toArray());
    }

    @Override
    public NDList inputs(NDManager manager, int[] indices) {
        Masked m = batch(indices);
        TokenBatch b = m.tokens();
        Shape shape = new Shape(b.size(), b.length());
        return new NDList(manager.create(b.inputIds(), shape), manager.create(b.attentionMask(), shape),
                manager.create(b.tokenTypeIds(), shape), manager.create(m.target(), shape));
    }

    /** The original ids of the masked positions {@code [M]} (int64), matching the model's {@code [M, vocab]} logits. */
    @Override
    public NDArray labels(NDManager manager, int[] indices) {
        return manager.create(batch(indices).targets());
    }

    private Random textRandom(int index) {
        return new Random(maskSeed ^ (0x9E3779B97F4A7C15L * (index + 1L)));
    }
}
