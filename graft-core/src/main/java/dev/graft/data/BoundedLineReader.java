package dev.graft.data;

import dev.graft.util.Arguments;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads text input line by line with a bound on the length of a line, so that endless or binary
 * input ({@code /dev/zero}, a file without line breaks) ends in a clear {@link DataException}
 * naming the input and the line instead of exhausting memory.
 *
 * <p>A line ends at {@code \n}, {@code \r\n} or a lone {@code \r} (as in {@link LineIndex}), and
 * may hold at most {@code maxLineBytes} bytes, line break excluded. Input recognised as UTF-16 or
 * UTF-32 from its first bytes is refused with the right conversion advice. {@link #readLine()}
 * decodes each line strictly as UTF-8, so an invalid byte is reported with its own line number, and
 * removes a byte-order mark from the first line; {@link #readAll} returns the bytes unchanged.
 * Read errors are reported as {@link DataException} too.
 */
public final class BoundedLineReader implements Closeable {

    /** The default {@code maxLineBytes}: 8 MiB, far more than any text a model reads. */
    public static final int DEFAULT_MAX_LINE_BYTES = 8 << 20;

    /** The most bytes {@link #readAll} returns: the largest Java array. */
    static final int MAX_TOTAL_BYTES = Integer.MAX_VALUE - 8;

    private static final int NONE = 0;
    private static final int LF = 1;
    private static final int CR = 2;
    private static final int CRLF = 3;

    private final InputStream in;
    private final String name;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[1 << 16];
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] line = new byte[256];
    private int lineLength;
    private int pos;
    private int end;
    private boolean eof;
    private boolean started;
    private int lineNumber;

    /**
     * A reader of {@code in}.
     *
     * @param name         the input's name for messages, e.g. its path or {@code "standard input"}
     * @param maxLineBytes the longest line accepted, in bytes, at least 1
     */
    public BoundedLineReader(InputStream in, String name, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be at least 1, got " + maxLineBytes);
        }
        this.in = in;
        this.name = name;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * The next line, decoded as UTF-8, without its line break; {@code null} at the end of the input.
     *
     * @throws DataException when the line is too long or not valid UTF-8, or the input cannot be read
     */
    public String readLine() {
        if (nextLine() < 0) {
            return null;
        }
        String text;
        try {
            text = decoder.reset().decode(ByteBuffer.wrap(line, 0, lineLength)).toString();
        } catch (CharacterCodingException e) {
            throw new DataException(name + " line " + lineNumber + " is not valid UTF-8 (" + firstInvalid() + "). Re-save"
                    + " the input as UTF-8 (e.g. with `iconv -f WINDOWS-1252 -t UTF-8`) and try again.");
        }
        return lineNumber == 1 && text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The 1-based number of the line last returned by {@link #readLine()} (0 before the first). */
    public int lineNumber() {
        return lineNumber;
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * All of {@code in}, bytes unchanged, checking every line as {@link #readLine()} does (except
     * for the UTF-8 decoding, left to the caller).
     *
     * @throws DataException when a line is longer than {@code maxLineBytes}, the input is UTF-16 or
     *                       UTF-32, larger than {@value #MAX_TOTAL_BYTES} bytes, or cannot be read
     */
    static byte[] readAll(InputStream in, String name, int maxLineBytes) {
        BoundedLineReader reader = new BoundedLineReader(in, name, maxLineBytes);
        byte[] all = new byte[1 << 16];
        long size = 0;
        int br;
        while ((br = reader.nextLine()) >= 0) {
            int breakBytes = br == CRLF ? 2 : br == NONE ? 0 : 1;
            long needed = size + reader.lineLength + breakBytes;
            if (needed > MAX_TOTAL_BYTES) {
                throw new DataException(name + " is larger than 2 GiB, more than can be read into memory at once."
                        + " Split it into smaller files or take a sample.");
            }
            if (needed > all.length) {
                all = Arrays.copyOf(all, (int) Math.min(MAX_TOTAL_BYTES, Math.max(needed, 2L * all.length)));
            }
            System.arraycopy(reader.line, 0, all, (int) size, reader.lineLength);
            size += reader.lineLength;
            if (br == CR || br == CRLF) {
                all[(int) size++] = '\r';
            }
            if (br == LF || br == CRLF) {
                all[(int) size++] = '\n';
            }
        }
        return Arrays.copyOf(all, (int) size);
    }

    /** Reads the next line into {@link #line}; returns its line break ({@link #NONE} at the end of the input), or -1 at the end. */
    private int nextLine() {
        lineLength = 0;
        if (!fill()) {
            return -1;
        }
        lineNumber++;
        while (true) {
            int start = pos;
            while (pos < end && buffer[pos] != '\n' && buffer[pos] != '\r') {
                pos++;
            }
            append(start, pos);
            if (pos < end) {
                byte b = buffer[pos++];
                if (b == '\n') {
                    return LF;
                }
                if (fill() && buffer[pos] == '\n') {
                    pos++;
                    return CRLF;
                }
                return CR;
            }
            if (!fill()) {
                return NONE;
            }
        }
    }

    private void append(int from, int to) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        if ((long) lineLength + n > maxLineBytes) {
            throw tooLong();
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(maxLineBytes, Math.max(lineLength + (long) n, 2L * line.length)));
        }
        System.arraycopy(buffer, from, line, lineLength, n);
        lineLength += n;
    }

    /** Makes sure that a byte is buffered; false at the end of the input. */
    private boolean fill() {
        if (pos < end) {
            return true;
        }
        if (eof) {
            return false;
        }
        int n;
        try {
            do {
                n = in.read(buffer, 0, buffer.length);
            } while (n == 0);
        } catch (IOException e) {
            throw new DataException("Cannot read " + name + ": " + e.getMessage(), e);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        end = n;
        if (!started) {
            started = true;
            ForeignEncoding.detect(buffer, n).ifPresent(found -> {
                throw ForeignEncoding.error(name, found);
            });
        }
        return true;
    }

    private DataException tooLong() {
        boolean binary = lineLength > 0 && line[0] == 0;
        return new DataException(name + ": line " + lineNumber + " is longer than the limit of " + size(maxLineBytes)
                + (binary ? " and starts with NUL bytes: this is not a text file" : " without a line break")
                + ". Check that the input is text with one record per line; if such long lines are intended, raise the"
                + " maximum line length (" + Arguments.name("maxLineBytes") + ").");
    }

    private String firstInvalid() {
        CharsetDecoder probe = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(line, 0, lineLength);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(lineLength + 1);
        java.nio.charset.CoderResult r = probe.decode(in, out, true);
        int at = in.position();
        int len = r.isError() ? Math.max(1, r.length()) : 1;
        return "invalid byte(s) " + HexFormat.of().withUpperCase().withDelimiter(" ")
                .formatHex(line, at, Math.min(lineLength, at + len)) + " at byte " + (at + 1) + " of the line";
    }

    /** {@code bytes} for messages: {@code "8 MiB (8388608 bytes)"}, or {@code "1000 bytes"}. */
    static String size(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB (" + bytes + " bytes)";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB (" + bytes + " bytes)";
        }
        return bytes + " bytes";
    }
}
