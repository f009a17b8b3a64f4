package dev.graft.data;

import java.util.Locale;

/**
 * Whether double quotes in a CSV/TSV file are quoting or ordinary characters. Ignored for JSON Lines.
 *
 * <p>Graft does not guess: a file with a stray quote is read as {@link #DOUBLE} says where that is unambiguous, and
 * otherwise refused with a message naming the line and suggesting {@link #NONE}. Telling a quoted field that spans
 * lines from a sentence that merely starts with a quote needs knowledge only the user has.
 */
public enum QuoteMode {
    /**
     * A field that starts with a double quote is quoted: it may hold delimiters, line breaks and doubled quotes
     * ({@code ""}) and ends at the matching quote (RFC 4180; the default).
     */
    DOUBLE,
    /**
     * Quotes are ordinary characters: every line is one record and every delimiter separates fields. For files
     * written without quoting, such as the GLUE tasks' TSV files (MRPC, STS-B), whose sentences hold stray quotes.
     */
    NONE;

    /**
     * Parses a user-given name, {@code double} or {@code none}, case-insensitively.
     *
     * @throws DataException for another name
     */
    public static QuoteMode parse(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "double", "\"" -> DOUBLE;
            case "none", "off" -> NONE;
            default -> throw new DataException("Unknown quote mode '" + dev.graft.util.Excerpt.of(name)
                    + "'. Use double (a field starting with \" is quoted) or none (quotes are ordinary characters).");
        };
    }
}
