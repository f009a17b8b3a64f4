package dev.graft.data;

import java.util.Optional;

/**
 * Recognises text in UTF-16 or UTF-32 from its first bytes, so that such input gets the right
 * advice instead of being decoded as UTF-8 (a UTF-16 file with only ASCII characters is even
 * <em>valid</em> UTF-8: every other byte is NUL).
 *
 * <p>Evidence, in order: a UTF-32 or UTF-16 byte-order mark; otherwise, among the first
 * {@value #SAMPLE} bytes (at least 8), NUL bytes at at least a third of the odd positions and at
 * almost none (a tenth) of the even ones (UTF-16LE of mostly ASCII text), or the reverse (UTF-16BE).
 */
final class ForeignEncoding {

    private static final int SAMPLE = 1024;

    private ForeignEncoding() {
    }

    /**
     * An encoding recognised by {@link #detect}.
     *
     * @param iconvName the name {@code iconv -f} needs: the family when a byte-order mark says the byte order
     * @param evidence  the encoding and why, e.g. {@code "UTF-16LE (byte-order mark FF FE)"}
     */
    record Found(String iconvName, String evidence) {
    }

    /** The encoding of text starting with {@code bytes[0..length)}, when it is UTF-16 or UTF-32; empty for anything else. */
    static Optional<Found> detect(byte[] bytes, int length) {
        int n = Math.min(length, bytes.length);
        if (starts(bytes, n, 0xFF, 0xFE, 0x00, 0x00)) {
            return Optional.of(new Found("UTF-32", "UTF-32LE (byte-order mark FF FE 00 00)"));
        }
        if (starts(bytes, n, 0x00, 0x00, 0xFE, 0xFF)) {
            return Optional.of(new Found("UTF-32", "UTF-32BE (byte-order mark 00 00 FE FF)"));
        }
        if (starts(bytes, n, 0xFF, 0xFE)) {
            return Optional.of(new Found("UTF-16", "UTF-16LE (byte-order mark FF FE)"));
        }
        if (starts(bytes, n, 0xFE, 0xFF)) {
            return Optional.of(new Found("UTF-16", "UTF-16BE (byte-order mark FE FF)"));
        }
        int sample = Math.min(n, SAMPLE) & ~1;
        if (sample < 8) {
            return Optional.empty();
        }
        int evenNul = 0;
        int oddNul = 0;
        for (int i = 0; i < sample; i++) {
            if (bytes[i] == 0) {
                if (i % 2 == 0) {
                    evenNul++;
                } else {
                    oddNul++;
                }
            }
        }
        int half = sample / 2;
        if (oddNul * 3 >= half && evenNul * 10 <= half) {
            return Optional.of(new Found("UTF-16LE", "UTF-16LE (no byte-order mark, but every other byte is NUL)"));
        }
        if (evenNul * 3 >= half && oddNul * 10 <= half) {
            return Optional.of(new Found("UTF-16BE", "UTF-16BE (no byte-order mark, but every other byte is NUL)"));
        }
        return Optional.empty();
    }

    /** The error for input {@code name} found to be in {@code encoding}. */
    static DataException error(String name, Found encoding) {
        return new DataException(name + " is not UTF-8 but " + encoding.evidence() + ". Graft reads UTF-8 text: convert"
                + " it first with `iconv -f " + encoding.iconvName() + " -t UTF-8` (e.g. `iconv -f " + encoding.iconvName()
                + " -t UTF-8 old.txt > new.txt`) or save it as UTF-8 in your editor, and try again.");
    }

    private static boolean starts(byte[] b, int n, int... prefix) {
        if (n < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
