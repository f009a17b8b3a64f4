package dev.graft.data;

import java.util.Objects;

/**
 * One labelled piece of text.
 *
 * @param text  the text, as read from the file (not trimmed); never blank
 * @param label the class label, trimmed; never blank
 * @param line  1-based line in the source file where the example's record starts, or {@code 0}
 *              when the example did not come from a file
 */
public record TextExample(String text, String label, int line) {

    /** Validates that text and label are present and the line is not negative. */
    public TextExample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
        if (text.isBlank()) {
            throw new IllegalArgumentException("Example text is blank" + at(line));
        }
        label = label.strip();
        if (label.isEmpty()) {
            throw new IllegalArgumentException("Example label is blank" + at(line));
        }
        if (line < 0) {
            throw new IllegalArgumentException("Line must be >= 0, got " + line);
        }
    }

    /** Creates an example that did not come from a file (line {@code 0}). */
    public static TextExample of(String text, String label) {
        return new TextExample(text, label, 0);
    }

    private static String at(int line) {
        return line > 0 ? " (line " + line + ")" : "";
    }
}
