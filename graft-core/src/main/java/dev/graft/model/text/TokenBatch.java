package dev.graft.model.text;

import java.util.List;

/**
 * Token ids of a batch, padded to the longest sequence in the batch (dynamic padding), row-major
 * {@code [size, length]}.
 *
 * @param size          number of sequences
 * @param length        padded length (the longest sequence in this batch)
 * @param inputIds      token ids, padding = the tokenizer's pad id
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param tokenTypeIds  segment ids (all 0 for single sentences)
 */
public record TokenBatch(int size, int length, long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {

    /** Checks the three arrays against {@code size × length}. */
    public TokenBatch {
        long n = (long) size * length;
        if (inputIds.length != n || attentionMask.length != n || tokenTypeIds.length != n) {
            throw new IllegalArgumentException("TokenBatch arrays must hold " + size + "×" + length + " values");
        }
    }

    /** Pads already-tokenised sequences to the longest among them. */
    public static TokenBatch pad(List<TokenizedText> sequences, long padId) {
        int len = 1;
        for (TokenizedText s : sequences) {
            len = Math.max(len, s.ids().length);
        }
        int b = sequences.size();
        long[] ids = new long[b * len];
        long[] mask = new long[b * len];
        long[] types = new long[b * len];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) {
            TokenizedText s = sequences.get(i);
            System.arraycopy(s.ids(), 0, ids, i * len, s.ids().length);
            System.arraycopy(s.typeIds(), 0, types, i * len, s.typeIds().length);
            java.util.Arrays.fill(mask, i * len, i * len + s.ids().length, 1L);
        }
        return new TokenBatch(b, len, ids, mask, types);
    }

    /** A copy of {@code batch} padded further to {@code length} tokens. */
    public static TokenBatch padTo(TokenBatch batch, int length, long padId) {
        if (length < batch.length()) {
            throw new IllegalArgumentException("cannot pad a batch of length " + batch.length() + " down to " + length);
        }
        int b = batch.size();
        long[] ids = new long[b * length];
        long[] mask = new long[b * length];
        long[] types = new long[b * length];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) {
            System.arraycopy(batch.inputIds(), i * batch.length(), ids, i * length, batch.length());
            System.arraycopy(batch.attentionMask(), i * batch.length(), mask, i * length, batch.length());
            System.arraycopy(batch.tokenTypeIds(), i * batch.length(), types, i * length, batch.length());
        }
        return new TokenBatch(b, length, ids, mask, types);
    }

    /** The attention mask row of sequence {@code i}. */
    public long[] maskRow(int i) {
        return java.util.Arrays.copyOfRange(attentionMask, i * length, (i + 1) * length);
    }

    /** Number of real (non-padding) tokens in the batch. */
    public long realTokens() {
        long n = 0;
        for (long m : attentionMask) {
            n += m;
        }
        return n;
    }
}
