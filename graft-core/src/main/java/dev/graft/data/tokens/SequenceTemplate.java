package dev.graft.data.tokens;

/**
 * Where a tokenizer puts its special tokens around one sequence ({@code [CLS] a [SEP]}) and around a pair
 * ({@code [CLS] a [SEP] b [SEP]}, RoBERTa {@code <s> a </s></s> b </s>}), and the token type of each part, read from
 * the tokenizer itself ({@link SubwordTokenizer#template()}).
 *
 * @param singlePrefix special tokens before a single sequence
 * @param singleSuffix after it
 * @param pairPrefix   before the first sequence of a pair
 * @param pairMiddle   between the two
 * @param pairSuffix   after the second
 * @param secondType   the token type of the second sequence (and of the special tokens after it); 0 for the first
 */
public record SequenceTemplate(long[] singlePrefix, long[] singleSuffix, long[] pairPrefix, long[] pairMiddle,
                               long[] pairSuffix, long secondType) {

    /**
     * One window of model input: token ids, token types and, for each position, the index of the content token it
     * holds (into the {@link Subwords} it was cut from) or -1 for a special token or the first sequence of a pair.
     *
     * @param ids           token ids, special tokens included
     * @param typeIds       token types
     * @param contentTokens per position: index of the content token there, or -1
     */
    public record Input(long[] ids, long[] typeIds, int[] contentTokens) {

        /** Number of positions. */
        public int length() {
            return ids.length;
        }
    }

    /** Number of special tokens around a single sequence. */
    public int singleSpecials() {
        return singlePrefix.length + singleSuffix.length;
    }

    /** Number of special tokens in a pair. */
    public int pairSpecials() {
        return pairPrefix.length + pairMiddle.length + pairSuffix.length;
    }

    /** {@code prefix + content[from, to) + suffix}, types 0. */
    public Input single(Subwords content, int from, int to) {
        int n = singleSpecials() + to - from;
        long[] ids = new long[n];
        int[] index = new int[n];
        java.util.Arrays.fill(index, -1);
        int p = put(ids, 0, singlePrefix);
        for (int t = from; t < to; t++, p++) {
            ids[p] = content.ids()[t];
            index[p] = t;
        }
        put(ids, p, singleSuffix);
        return new Input(ids, new long[n], index);
    }

    /**
     * {@code prefix + first + middle + second[from, to) + suffix}; the second sequence's positions carry their content
     * token index, the second sequence and the suffix have type {@link #secondType()}.
     */
    public Input pair(long[] first, Subwords second, int from, int to) {
        int n = pairSpecials() + first.length + to - from;
        long[] ids = new long[n];
        long[] types = new long[n];
        int[] index = new int[n];
        java.util.Arrays.fill(index, -1);
        int p = put(ids, 0, pairPrefix);
        p = put(ids, p, first);
        p = put(ids, p, pairMiddle);
        int secondStart = p;
        for (int t = from; t < to; t++, p++) {
            ids[p] = second.ids()[t];
            index[p] = t;
        }
        put(ids, p, pairSuffix);
        java.util.Arrays.fill(types, secondStart, n, secondType);
        return new Input(ids, types, index);
    }

    private static int put(long[] into, int at, long[] part) {
        System.arraycopy(part, 0, into, at, part.length);
        return at + part.length;
    }
}
