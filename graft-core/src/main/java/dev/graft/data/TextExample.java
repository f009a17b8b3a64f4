package dev.graft.data;

import java.util.Objects;

/**
 * One labelled piece of text, or one labelled pair of texts (paraphrase, entailment: the data was read with
 * {@link DataOptions#textPairColumn()}).
 *
 * @param text     the text (of a pair: the first), as read from the file (not trimmed); never blank
 * @param label    the class label (multi-label: the label list as written), trimmed; empty only for a multi-label
 *                 example to which no label applies
 * @param line     1-based line in the source file where the example's record starts, or {@code 0}
 *                 when the example did not come from a file
 * @param textPair the second text of a pair, as read; {@code null} for a single text, never blank otherwise
 */
public record TextExample(String text, String label, int line, String textPair) {

    /**
     * Validates that text and label are present (the label may be empty: a multi-label example with no label; readers
     * refuse an empty label for other tasks), the second text absent or not blank, and the line not negative.
     */
    public TextExample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
        if (text.isBlank()) {
            throw new IllegalArgumentException("Example text is blank" + at(line));
        }
        if (textPair != null && textPair.isBlank()) {
            throw new IllegalArgumentException("Example textPair (the second text of the pair) is blank" + at(line));
        }
        label = label.strip();
        if (line < 0) {
            throw new IllegalArgumentException("Line must be >= 0, got " + line);
        }
    }

    /** A single text read from {@code line}. */
    public TextExample(String text, String label, int line) {
        this(text, label, line, null);
    }

    /** Creates an example that did not come from a file (line {@code 0}). */
    public static TextExample of(String text, String label) {
        return new TextExample(text, label, 0);
    }

    /** Creates a text-pair example that did not come from a file (line {@code 0}). */
    public static TextExample pair(String text, String textPair, String label) {
        return new TextExample(text, label, 0, Objects.requireNonNull(textPair, "textPair"));
    }

    /** Whether this example is a pair of texts. */
    public boolean isPair() {
        return textPair != null;
    }

    /**
     * The example's words as one text: the text itself, or for a pair both texts separated by a line break. For
     * readers that take one text (a bag-of-words baseline, a report); models read pairs as pairs.
     */
    public String joinedText() {
        return textPair == null ? text : text + "\n" + textPair;
    }

    /** This example with another label (for data read without labels), keeping text, pair and line. */
    public TextExample withLabel(String newLabel) {
        return new TextExample(text, newLabel, line, textPair);
    }

    private static String at(int line) {
        return line > 0 ? " (line " + line + ")" : "";
    }
}
