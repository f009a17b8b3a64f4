package dev.graft.data;

import dev.graft.util.Arguments;
import java.util.List;
import java.util.Locale;

/**
 * A reference to a column: by header name (matched case-insensitively, for CSV/TSV headers and
 * JSON Lines field names) or by 0-based index (CSV/TSV only).
 *
 * @param name  the column name, or {@code null} when the reference is by index
 * @param index the 0-based column index, or {@code -1} when the reference is by name
 */
public record ColumnRef(String name, int index) {

    /** Column names recognised as the text column, in order of preference. */
    public static final List<String> KNOWN_TEXT_NAMES =
            List.of("text", "sentence", "sms", "review", "content", "message", "body", "document");

    /** Column names recognised as the label column, in order of preference. */
    public static final List<String> KNOWN_LABEL_NAMES =
            List.of("label", "labels", "class", "category", "target", "y", "sentiment");

    /** Validates that exactly one of name and index is given. */
    public ColumnRef {
        if (name == null && index < 0) {
            throw new IllegalArgumentException("A column needs a name or a 0-based index >= 0, got " + index);
        }
        if (name != null && index != -1) {
            throw new IllegalArgumentException("A column is referenced by name or by index, not both");
        }
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("Column name is blank");
        }
    }

    /** A reference by name. */
    public static ColumnRef named(String name) {
        return new ColumnRef(name.strip(), -1);
    }

    /** A reference by 0-based index. */
    public static ColumnRef at(int index) {
        return new ColumnRef(null, index);
    }

    /**
     * Parses user input, e.g. a command-line value: an unsigned integer is a 0-based index,
     * anything else a name.
     */
    public static ColumnRef parse(String nameOrIndex) {
        String s = nameOrIndex.strip();
        if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return at(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw new DataException("Column index '" + s + "' is too large.");
            }
        }
        return named(s);
    }

    /** True when this reference is by index. */
    public boolean isIndex() {
        return name == null;
    }

    /** True when this reference is by name and {@code candidate} equals it, ignoring case and surrounding spaces. */
    public boolean matches(String candidate) {
        return name != null && candidate != null
                && candidate.strip().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The argument that chooses the column of a role ({@code "text"}, {@code "label"}, {@code "text pair"}), as the
     * front end names it ({@link Arguments}): {@code textColumn}, {@code labelColumn}, {@code textPairColumn}
     * ({@code --text-column}, ... on the command line).
     */
    static String flag(String role) {
        String[] words = role.split(" ");
        StringBuilder camel = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            camel.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return Arguments.name(camel.append("Column").toString());
    }

    @Override
    public String toString() {
        return isIndex() ? "column " + index : "'" + name + "'";
    }
}
