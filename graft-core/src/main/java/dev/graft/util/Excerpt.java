package dev.graft.util;

import java.util.List;

/**
 * Short quotations of user input for messages. Input can be arbitrarily large (a 5 MB header
 * line, a label that is a whole paragraph), so every message that quotes it goes through here:
 * a quotation longer than {@link #MAX_CHARS} characters is cut and ends with an ellipsis and the
 * full length.
 */
public final class Excerpt {

    /** The most characters of input quoted in one message part. */
    public static final int MAX_CHARS = 200;

    private Excerpt() {
    }

    /**
     * {@code text} unchanged when it has at most {@link #MAX_CHARS} characters, otherwise its first
     * {@link #MAX_CHARS} characters followed by {@code "… (N characters)"}. A surrogate pair is
     * never split.
     */
    public static String of(String text) {
        if (text == null || text.length() <= MAX_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return text.substring(0, end) + "… (" + text.length() + " characters)";
    }

    /**
     * A list written like {@link java.util.AbstractCollection#toString()} ({@code [a, b, c]}), but of at most about
     * {@link #MAX_CHARS} characters: each item is cut with {@link #of}, and items that do not fit
     * are summarised as {@code "… and N more"}.
     */
    public static String list(List<?> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            String item = of(String.valueOf(items.get(i)));
            if (i > 0 && sb.length() + item.length() > MAX_CHARS) {
                sb.append(", … and ").append(items.size() - i).append(" more");
                break;
            }
            sb.append(i > 0 ? ", " : "").append(item);
        }
        return sb.append(']').toString();
    }
}
