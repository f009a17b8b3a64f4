package dev.graft.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The strictly decoded UTF-8 content of a data file (BOM removed), its SHA-256 and a line index.
 *
 * @param path    the file
 * @param sha256  lower-case hex SHA-256 of the raw bytes (BOM included)
 * @param content the decoded text without a leading BOM
 * @param lines   line index over {@code content}
 */
record SourceText(Path path, String sha256, String content, LineIndex lines) {

    /**
     * Reads and decodes {@code path}.
     *
     * @param maxLineBytes the longest line accepted, in bytes (see {@link BoundedLineReader})
     * @throws DataException when the file is missing, unreadable, empty, not valid UTF-8 or has a
     *                       line longer than {@code maxLineBytes}, or when it names standard input
     *                       and that is closed
     */
    static SourceText read(Path path, int maxLineBytes) {
        if (Files.isDirectory(path)) {
            throw new DataException(path + " is a directory, not a data file. Pass the path of a .csv, .tsv or .jsonl file.");
        }
        if (StandardInput.isAlias(path)) {
            StandardInput.requireOpen();
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = BoundedLineReader.readAll(in, path.toString(), maxLineBytes);
        } catch (NoSuchFileException e) {
            throw new DataException("Data file not found: " + path + " (absolute: " + path.toAbsolutePath()
                    + "). Check the path; relative paths are resolved against the current directory.", e);
        } catch (IOException e) {
            throw new DataException("Cannot read data file " + path + ": " + e.getMessage(), e);
        }
        String sha = HexFormat.of().formatHex(TextDataset.sha256Digest().digest(bytes));
        int start = hasBom(bytes) ? 3 : 0;
        String content = decode(path, bytes, start);
        if (content.isBlank()) {
            throw new DataException("Data file " + path + " is empty. It needs a header row (e.g. text,label) and at least one data row.");
        }
        return new SourceText(path, sha, content, LineIndex.of(content));
    }

    private static boolean hasBom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
    }

    private static String decode(Path path, byte[] bytes, int start) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8L, (long) bytes.length + 1));
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = LineIndex.lineOfByte(bytes, offset);
            String bad = HexFormat.of().withUpperCase().withDelimiter(" ")
                    .formatHex(bytes, offset, Math.min(bytes.length, offset + Math.max(1, result.length())));
            throw new DataException(path + " is not valid UTF-8: invalid byte(s) " + bad + " at line " + line
                    + " (byte offset " + offset + "). Re-save the file as UTF-8 (e.g. in your editor or with"
                    + " `iconv -f WINDOWS-1252 -t UTF-8`) and try again.");
        }
        if (result.isOverflow()) {
            // Cannot happen: UTF-8 never yields more chars than bytes.
            throw new IllegalStateException("UTF-8 decode overflow", new CharacterCodingException());
        }
        out.flip();
        return out.toString();
    }
}
