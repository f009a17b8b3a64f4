package dev.graft.tensor.onnx;

import dev.graft.util.Hashes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * An ONNX model file read once, for ONNX Runtime: its bytes, the {@link OnnxGraph} parsed from those bytes (which
 * refuses external data) and their SHA-256. Handing ONNX Runtime {@link #bytes()} instead of the path means it runs
 * exactly what was checked and hashed, even if the file changes afterwards, and it has no folder from which to
 * resolve relative file references.
 */
public final class OnnxModelFile {

    private final Path file;
    private final byte[] bytes;
    private final OnnxGraph graph;
    private String sha256;

    private OnnxModelFile(Path file, byte[] bytes, OnnxGraph graph) {
        this.file = file;
        this.bytes = bytes;
        this.graph = graph;
    }

    /**
     * Reads and parses {@code file}.
     *
     * @throws IOException if it cannot be read, is larger than {@link OnnxGraph#MAX_FILE_BYTES}, is malformed or
     *                     keeps a tensor in an external file; the message names the file (and the tensor)
     */
    public static OnnxModelFile read(Path file) throws IOException {
        byte[] bytes = OnnxGraph.readBytes(file);
        return new OnnxModelFile(file, bytes, OnnxGraph.parse(bytes, file.toString()));
    }

    /** The file it was read from. */
    public Path file() {
        return file;
    }

    /** The file's bytes as read (not copied: do not modify). */
    public byte[] bytes() {
        return bytes;
    }

    /** The graph decoded from {@link #bytes()}. */
    public OnnxGraph graph() {
        return graph;
    }

    /** Hex SHA-256 of {@link #bytes()}, computed on first call. */
    public synchronized String sha256() {
        if (sha256 == null) {
            sha256 = HexFormat.of().formatHex(Hashes.sha256().digest(bytes));
        }
        return sha256;
    }
}
