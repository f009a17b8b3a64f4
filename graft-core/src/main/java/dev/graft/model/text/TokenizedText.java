package dev.graft.model.text;

/**
 * One text after tokenisation and truncation, without padding.
 *
 * @param ids      token ids including the special tokens
 * @param typeIds  segment ids, same length as {@code ids}
 */
public record TokenizedText(long[] ids, long[] typeIds) {

    /** Checks that both arrays have the same length. */
    public TokenizedText {
        if (ids.length != typeIds.length) {
            throw new IllegalArgumentException("ids and typeIds differ in length: " + ids.length + " vs " + typeIds.length);
        }
    }

    /** Number of tokens. */
    public int length() {
        return ids.length;
    }
}
