package dev.graft.data.tokens;

/**
 * A text's sub-tokens without special tokens, each with the word it belongs to and its characters in the text.
 *
 * @param ids    token ids
 * @param words  index of each token's word ({@link WordSequence}); -1 when the text was not split into words
 * @param starts each token's first character in the text (UTF-16 index)
 * @param ends   each token's end character, exclusive
 */
public record Subwords(long[] ids, int[] words, int[] starts, int[] ends) {

    /** Checks that the arrays have one entry per token. */
    public Subwords {
        if (words.length != ids.length || starts.length != ids.length || ends.length != ids.length) {
            throw new IllegalArgumentException("ids, words, starts and ends need one entry per token, got " + ids.length
                    + ", " + words.length + ", " + starts.length + ", " + ends.length);
        }
    }

    /** The number of tokens. */
    public int size() {
        return ids.length;
    }

    /**
     * The index of each word's first token, -1 for a word that has no token (the tokenizer dropped it, e.g. a
     * zero-width space).
     */
    public int[] firstTokenOfWords(int wordCount) {
        int[] first = new int[wordCount];
        java.util.Arrays.fill(first, -1);
        for (int t = ids.length - 1; t >= 0; t--) {
            first[words[t]] = t;
        }
        return first;
    }

    /** The index of each word's last token, -1 for a word without tokens. */
    public int[] lastTokenOfWords(int wordCount) {
        int[] last = new int[wordCount];
        java.util.Arrays.fill(last, -1);
        for (int t = 0; t < ids.length; t++) {
            last[words[t]] = t;
        }
        return last;
    }
}
