package dev.graft.data.qa;

import java.util.Objects;

/**
 * One gold answer: a span of the context.
 *
 * @param text  the answer text, exactly {@code context.substring(start, start + text.length())}
 * @param start its first character in the context (UTF-16 index, SQuAD's {@code answer_start})
 */
public record SquadAnswer(String text, int start) {

    /** Checks the fields. */
    public SquadAnswer {
        Objects.requireNonNull(text, "text");
        if (start < 0) {
            throw new IllegalArgumentException("answer_start must be >= 0, got " + start);
        }
    }

    /** Its end character in the context, exclusive. */
    public int end() {
        return start + text.length();
    }
}
