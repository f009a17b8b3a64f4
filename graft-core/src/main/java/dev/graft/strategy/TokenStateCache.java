package dev.graft.strategy;

import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TokenizedText;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * A frozen encoder's per-token states (token classification by feature extraction) computed once and kept on disk
 * beside {@link EmbeddingCache}'s pooled vectors, so a second run over the same sentences skips the encoder. An entry
 * is keyed by the model (id, checksum, maximum length) and every input sequence's token and segment ids (so a change
 * of tokenizer, window length or overlap is another entry); each row holds one sequence's states ({@code tokens ×
 * dimension}), so rows differ in length.
 *
 * <p>Verified: the header's row count must be the caller's, every row's token count must be within the model's
 * maximum length and the file's size must be what the header describes before anything is allocated; a SHA-256 of
 * the content closes the file and must match. A file that fails any check is ignored and recomputed. Bounded: an
 * entry larger than {@code maxEntryBytes}, or one that would take this cache's token-state files past
 * {@code maxTotalBytes}, is not written (the states are still returned); nothing is evicted.
 */
public final class TokenStateCache {

    /** Largest entry written by default: 2 GiB. */
    public static final long DEFAULT_MAX_ENTRY_BYTES = 2L << 30;
    /** Largest total of token-state files in the directory by default: 8 GiB. */
    public static final long DEFAULT_MAX_TOTAL_BYTES = 8L << 30;
    /** The file name suffix of an entry. */
    public static final String SUFFIX = ".tokstates";

    private static final int MAGIC = 0x47544F4B; // "GTOK"
    private static final int VERSION = 1;
    private static final int MAX_DIMENSION = 1 << 16;
    private static final int DIGEST_BYTES = 32;

    private final Path directory;
    private final long maxEntryBytes;
    private final long maxTotalBytes;
    private int hits;
    private int misses;

    /** A cache in {@code directory} (created on first write) with the default bounds. */
    public TokenStateCache(Path directory) {
        this(directory, DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_TOTAL_BYTES);
    }

    /**
     * A cache in {@code directory} (created on first write).
     *
     * @param maxEntryBytes largest entry written
     * @param maxTotalBytes largest total size of the entries in {@code directory}
     */
    public TokenStateCache(Path directory, long maxEntryBytes, long maxTotalBytes) {
        this.directory = directory;
        this.maxEntryBytes = maxEntryBytes;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** The key of these sequences' states under this model. */
    public static String key(TextModelSpec spec, List<TokenizedText> sequences) {
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, "graft-token-states-v" + VERSION);
        Hashes.update(md, spec.id());
        Hashes.update(md, spec.sha256());
        Hashes.update(md, Integer.toString(spec.maxLength()));
        Hashes.update(md, Integer.toString(sequences.size()));
        for (TokenizedText t : sequences) {
            Hashes.update(md, Arrays.toString(t.ids()));
            Hashes.update(md, Arrays.toString(t.typeIds()));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The states of {@code sequences} under {@code spec}: read from the cache when a verified entry exists, else
     * computed by {@code compute} and stored (within the bounds).
     */
    public float[][] states(TextModelSpec spec, List<TokenizedText> sequences, Supplier<float[][]> compute, Progress progress) {
        Path file = directory.resolve(key(spec, sequences) + SUFFIX);
        float[][] cached = read(file, sequences.size(), spec.maxLength());
        if (cached != null) {
            hits++;
            progress.message("reused cached token states for " + sequences.size() + " sequences (" + file.getFileName() + ")");
            return cached;
        }
        misses++;
        float[][] computed = compute.get();
        int dim = dimension(computed, sequences);
        long bytes = entryBytes(computed, dim);
        if (bytes > maxEntryBytes || bytes + cachedBytes() > maxTotalBytes) {
            progress.message("token states of " + sequences.size() + " sequences (" + (bytes >> 20) + " MiB) not cached: over"
                    + " the cache's bound");
            return computed;
        }
        write(file, computed, dim);
        return computed;
    }

    /** Look-ups answered from disk so far. */
    public int hits() {
        return hits;
    }

    /** Look-ups that ran the encoder so far. */
    public int misses() {
        return misses;
    }

    /** The width of a token's vector: a row's length over its sequence's token count (0 without tokens). */
    static int dimension(float[][] rows, List<TokenizedText> sequences) {
        for (int i = 0; i < rows.length; i++) {
            int tokens = sequences.get(i).ids().length;
            if (tokens > 0) {
                return rows[i].length / tokens;
            }
        }
        return 0;
    }

    private static long entryBytes(float[][] rows, int dim) {
        long floats = 0;
        for (float[] r : rows) {
            floats += r.length;
        }
        return 16L + 4L * rows.length + 4L * floats + DIGEST_BYTES;
    }

    /** The bytes of this cache's entries in the directory now. */
    private long cachedBytes() {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : files) {
                total += Files.size(f);
            }
        } catch (IOException e) {
            return Long.MAX_VALUE / 2; // cannot tell: write nothing more
        }
        return total;
    }

    private static float[][] read(Path file, int rows, int maxTokens) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream raw = Files.newInputStream(file)) {
            MessageDigest md = Hashes.sha256();
            DataInputStream in = new DataInputStream(new DigestInputStream(new BufferedInputStream(raw, 1 << 16), md));
            if (in.readInt() != MAGIC || in.readInt() != VERSION || in.readInt() != rows) {
                return null;
            }
            int dim = in.readInt();
            if (dim < 0 || dim > MAX_DIMENSION) {
                return null;
            }
            int[] tokens = new int[rows];
            long floats = 0;
            for (int r = 0; r < rows; r++) {
                tokens[r] = in.readInt();
                if (tokens[r] < 0 || tokens[r] > maxTokens) {
                    return null;
                }
                floats += (long) tokens[r] * dim;
            }
            if (Files.size(file) != 16L + 4L * rows + 4L * floats + DIGEST_BYTES) {
                return null;
            }
            float[][] out = new float[rows][];
            for (int r = 0; r < rows; r++) {
                out[r] = new float[tokens[r] * dim];
                byte[] buf = new byte[out[r].length * Float.BYTES];
                in.readFully(buf);
                ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out[r]);
            }
            byte[] expected = md.digest();
            byte[] stored = new byte[DIGEST_BYTES];
            in.readFully(stored);
            return MessageDigest.isEqual(expected, stored) ? out : null;
        } catch (IOException e) {
            return null; // unreadable entries are recomputed, never trusted
        }
    }

    private static void write(Path file, float[][] rows, int dim) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.writeAtomically(file, raw -> {
                MessageDigest md = Hashes.sha256();
                OutputStream buffered = new java.io.BufferedOutputStream(raw, 1 << 16);
                DataOutputStream out = new DataOutputStream(new DigestOutputStream(buffered, md));
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(rows.length);
                out.writeInt(dim);
                for (float[] row : rows) {
                    out.writeInt(dim == 0 ? 0 : row.length / dim);
                }
                for (float[] row : rows) {
                    ByteBuffer buf = ByteBuffer.allocate(row.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(row);
                    out.write(buf.array());
                }
                out.flush();
                buffered.write(md.digest());
                buffered.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write token-state cache " + file + ": " + e.getMessage()
                    + ". Set GRAFT_HOME to a writable directory.", e);
        }
    }
}
