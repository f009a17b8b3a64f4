package dev.graft.strategy;

import dev.graft.model.Precision;
import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Frozen-backbone embeddings computed once and kept on disk, keyed by the model (id, checksum,
 * maximum length, pooling) and the exact texts. A second run over the same inputs reads the file
 * instead of running the backbone. Files are written atomically; a corrupt or mismatched file is
 * ignored and recomputed.
 */
public final class EmbeddingCache {

    private static final int MAGIC = 0x47454D42; // "GEMB"
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 16;
    private static final int MAX_DIMENSION = 1 << 16;

    private final Path directory;
    private final Precision precision;
    private int hits;
    private int misses;

    /** A cache in {@code directory} (created on first write) of embeddings computed in fp32. */
    public EmbeddingCache(Path directory) {
        this(directory, Precision.FP32);
    }

    /** A cache in {@code directory} of text embeddings computed in {@code precision} (part of every text key). */
    public EmbeddingCache(Path directory, Precision precision) {
        this.directory = directory;
        this.precision = Objects.requireNonNull(precision, "precision");
    }

    /** The cache key for these texts under this model, computed in fp32. */
    public static String key(TextModelSpec spec, List<String> texts) {
        return key(spec, Precision.FP32, texts);
    }

    /** The cache key for these texts under this model, computed in {@code precision} (fp32 keys are those of earlier versions). */
    public static String key(TextModelSpec spec, Precision precision, List<String> texts) {
        MessageDigest md = Hashes.sha256();
        Hashes.update(md, "graft-embeddings-v" + VERSION);
        Hashes.update(md, spec.id());
        Hashes.update(md, spec.sha256());
        Hashes.update(md, Integer.toString(spec.maxLength()));
        Hashes.update(md, spec.pooling().name());
        if (precision != Precision.FP32) {
            Hashes.update(md, "precision=" + precision.key());
        }
        Hashes.update(md, Integer.toString(texts.size()));
        for (String t : texts) {
            Hashes.update(md, t);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Embeddings of {@code texts} under {@code spec}, from the cache when present; otherwise the
     * encoder is obtained (opened only on a miss), run, and its output stored.
     */
    public float[][] embed(TextModelSpec spec, Supplier<? extends SentenceEncoder> encoder, List<String> texts,
                           Progress progress) {
        Path file = directory.resolve(key(spec, precision, texts) + ".emb");
        float[][] cached = read(file, texts.size());
        if (cached != null) {
            hits++;
            progress.message("reused cached embeddings for " + texts.size() + " texts (" + file.getFileName() + ")");
            return cached;
        }
        misses++;
        float[][] computed = encoder.get().encode(texts, progress);
        write(file, computed, computed.length == 0 ? 0 : computed[0].length);
        return computed;
    }

    /**
     * Rows for any cache key (images, other modalities): read from disk when a file for {@code key}
     * with {@code rows} rows exists, else computed by {@code compute} and stored. The caller's key
     * must cover everything the rows depend on (model checksum, preprocessing, inputs).
     */
    public float[][] rows(String key, int rows, Supplier<float[][]> compute, Progress progress) {
        Path file = directory.resolve(key + ".emb");
        float[][] cached = read(file, rows);
        if (cached != null) {
            hits++;
            progress.message("reused cached embeddings for " + rows + " inputs (" + file.getFileName() + ")");
            return cached;
        }
        misses++;
        float[][] computed = compute.get();
        write(file, computed, computed.length == 0 ? 0 : computed[0].length);
        return computed;
    }

    /**
     * {@link #embed(TextModelSpec, Supplier, List, Progress)} with an already open encoder (computing in this cache's
     * precision).
     */
    public float[][] embed(SentenceEncoder encoder, List<String> texts, Progress progress) {
        return embed(encoder.spec(), () -> encoder, texts, progress);
    }

    /** Look-ups answered from disk so far. */
    public int hits() {
        return hits;
    }

    /** Look-ups that ran the backbone so far. */
    public int misses() {
        return misses;
    }

    private static float[][] read(Path file, int rows) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION || in.readInt() != rows) {
                return null;
            }
            int dim = in.readInt();
            if (dim <= 0 || dim > MAX_DIMENSION || Files.size(file) != HEADER_BYTES + (long) rows * dim * Float.BYTES) {
                return null;
            }
            float[][] out = new float[rows][dim];
            byte[] buf = new byte[dim * Float.BYTES];
            for (int r = 0; r < rows; r++) {
                in.readFully(buf);
                ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out[r]);
            }
            return out;
        } catch (IOException e) {
            return null; // unreadable cache entries are recomputed, never trusted
        }
    }

    private static void write(Path file, float[][] rows, int dim) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.writeAtomically(file, raw -> {
                DataOutputStream out = new DataOutputStream(raw);
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(rows.length);
                out.writeInt(dim);
                ByteBuffer buf = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (float[] row : rows) {
                    buf.clear();
                    buf.asFloatBuffer().put(row);
                    out.write(buf.array());
                }
                out.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write embedding cache " + file + ": " + e.getMessage()
                    + ". Set GRAFT_HOME to a writable directory.", e);
        }
    }
}
