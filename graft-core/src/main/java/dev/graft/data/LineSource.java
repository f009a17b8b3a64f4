package dev.graft.data;

import dev.graft.util.Hashes;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A data file read line by line through {@link BoundedLineReader} (bounded lines, strict UTF-8, UTF-16 refused), with
 * the SHA-256 of its bytes for provenance. For formats that are read as a stream of lines rather than as one text
 * ({@link SourceText}): token-tagged corpora, question-answering files.
 */
public final class LineSource implements Closeable {

    private final Path path;
    private final MessageDigest digest;
    private final BoundedLineReader reader;
    private String sha256;

    private LineSource(Path path, InputStream in, MessageDigest digest, int maxLineBytes) {
        this.path = path;
        this.digest = digest;
        this.reader = new BoundedLineReader(in, path.toString(), maxLineBytes);
    }

    /**
     * Opens {@code path} ({@code /dev/stdin} reads standard input).
     *
     * @param maxLineBytes the longest line accepted, in bytes
     * @throws DataException when the file is missing, a directory or cannot be opened
     */
    public static LineSource open(Path path, int maxLineBytes) {
        if (Files.isDirectory(path)) {
            throw new DataException(path + " is a directory, not a data file. Pass the path of a data file.");
        }
        MessageDigest md = Hashes.sha256();
        InputStream raw;
        try {
            raw = StandardInput.isAlias(path) ? StandardInput.open() : Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new DataException("Data file not found: " + path + " (absolute: " + path.toAbsolutePath()
                    + "). Check the path; relative paths are resolved against the current directory.", e);
        } catch (IOException e) {
            throw new DataException("Cannot read data file " + path + ": " + e.getMessage(), e);
        }
        return new LineSource(path, new DigestInputStream(raw, md), md, maxLineBytes);
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /**
     * The next line without its line break (a leading byte-order mark removed), or {@code null} at the end.
     *
     * @throws DataException when the line is too long, not UTF-8, or the file cannot be read
     */
    public String readLine() {
        String line = reader.readLine();
        if (line == null && sha256 == null) {
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        return line;
    }

    /** The 1-based number of the line last returned. */
    public int lineNumber() {
        return reader.lineNumber();
    }

    /**
     * Lower-case hex SHA-256 of the file's bytes.
     *
     * @throws IllegalStateException before {@link #readLine()} has returned {@code null}
     */
    public String sha256() {
        if (sha256 == null) {
            throw new IllegalStateException("the checksum is known once the whole file has been read");
        }
        return sha256;
    }

    /** Closes the file (standard input stays open). */
    @Override
    public void close() throws IOException {
        reader.close();
    }
}
