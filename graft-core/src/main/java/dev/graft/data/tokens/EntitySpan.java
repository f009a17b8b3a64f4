package dev.graft.data.tokens;

import java.util.Objects;

/**
 * One entity in a sentence: its type and the tokens it covers, both ends included (as seqeval's
 * {@code get_entities} gives them).
 *
 * @param type  the entity type, e.g. {@code PER}
 * @param first index of its first token
 * @param last  index of its last token, at least {@code first}
 */
public record EntitySpan(String type, int first, int last) {

    /** Checks the type and the token range. */
    public EntitySpan {
        Objects.requireNonNull(type, "type");
        if (type.isEmpty()) {
            throw new IllegalArgumentException("an entity needs a type");
        }
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("an entity covers tokens first..last with 0 <= first <= last, got "
                    + first + ".." + last);
        }
    }

    /** Number of tokens it covers. */
    public int length() {
        return last - first + 1;
    }
}
