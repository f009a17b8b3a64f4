package dev.graft.artifact;

import dev.graft.tensor.io.AtomicDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The model directory contract: a directory is a Graft model when it holds the manifest, and it
 * is written complete or not at all. An existing Graft model at the target is replaced only after
 * the new one is complete; anything else at the target is refused.
 */
public final class ModelDirectory {

    /** The manifest whose presence marks a complete Graft model directory. */
    public static final String MANIFEST = "graft-model.json";

    /** Fills a staging directory. */
    @FunctionalInterface
    public interface Writer {
        /** Writes all files into {@code staging}. */
        void write(Path staging) throws IOException;
    }

    private ModelDirectory() {
    }

    /** Whether {@code dir} holds a complete Graft model. */
    public static boolean isModel(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST));
    }

    /**
     * Checks that {@code target} may receive a model: absent, an empty directory, or an existing
     * Graft model (which will be replaced). Call it before expensive work so the user learns early.
     */
    public static void checkWritable(Path target) {
        if (!Files.exists(target) || isModel(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new IllegalArgumentException("Output " + target + " exists and is a file, not a Graft model directory. "
                    + "Choose another --out path; Graft never overwrites other files.");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException("Output directory " + target + " exists, is not empty and is not a Graft model "
                        + "(no " + MANIFEST + "). Choose another --out path or empty it; Graft never overwrites other files.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot inspect output directory " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a model atomically at {@code target}: all files go into a staging directory, the
     * manifest must be among them, and the directory is renamed into place (see {@link AtomicDirectory}).
     *
     * @return true when an existing model was replaced
     */
    public static boolean write(Path target, Writer writer) throws IOException {
        checkWritable(target);
        return AtomicDirectory.write(target, staging -> {
            writer.write(staging);
            if (!isModel(staging)) {
                throw new IllegalStateException("model writer finished without writing " + MANIFEST);
            }
        });
    }

    /**
     * Resolves a path a manifest names relative to the model directory, refusing anything that
     * escapes it (path traversal in an untrusted model).
     */
    static Path resolveInside(Path dir, String relative) {
        Path base = dir.toAbsolutePath().normalize();
        Path p = base.resolve(relative).normalize();
        if (!p.startsWith(base) || p.equals(base)) {
            throw new IllegalArgumentException("Model manifest in " + dir + " points outside the model directory: '" + relative + "'");
        }
        return p;
    }
}
