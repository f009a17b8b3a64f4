package dev.graft.data;

import java.util.Arrays;

/**
 * Maps character offsets in a text to 1-based line numbers. A line ends at {@code \n}, at
 * {@code \r\n}, or at a lone {@code \r}.
 */
final class LineIndex {

    private final int[] lineStarts;

    private LineIndex(int[] lineStarts) {
        this.lineStarts = lineStarts;
    }

    /** Indexes the line starts of {@code text}. */
    static LineIndex of(CharSequence text) {
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean end = c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'));
            if (end) {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        return new LineIndex(Arrays.copyOf(starts, n));
    }

    /** The 1-based line holding the character at {@code offset}. */
    int lineOf(long offset) {
        int i = Arrays.binarySearch(lineStarts, (int) Math.min(offset, Integer.MAX_VALUE));
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** Counts the line breaks before byte {@code end} of UTF-8 {@code bytes}: the 1-based line of that byte. */
    static int lineOfByte(byte[] bytes, int end) {
        int line = 1;
        for (int i = 0; i < end && i < bytes.length; i++) {
            if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n'))) {
                line++;
            }
        }
        return line;
    }
}
