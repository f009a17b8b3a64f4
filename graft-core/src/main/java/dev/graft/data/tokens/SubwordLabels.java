package dev.graft.data.tokens;

/** Which sub-tokens of a word carry its label in training. */
public enum SubwordLabels {
    /** The word's first sub-token carries its tag; the others are ignored ({@link TokenFeature#IGNORE}). */
    FIRST,
    /**
     * Every sub-token carries a tag: the word's entities are stretched over their sub-tokens and written in the data's
     * scheme again, so in IOB2 only the first sub-token of an entity has {@code B-}.
     */
    ALL
}
