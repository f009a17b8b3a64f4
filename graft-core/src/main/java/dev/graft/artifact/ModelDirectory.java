package dev.graft.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a model directory so that it appears complete or not at all: everything is written into
 * a hidden sibling directory, the manifest last, and the directory is then renamed into place.
 * An existing Graft model at the target is replaced only after the new one is complete; anything
 * else at the target is refused.
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
     * Writes a model atomically at {@code target}.
     *
     * @return true when an existing model was replaced
     */
    public static boolean write(Path target, Writer writer) throws IOException {
        target = target.toAbsolutePath().normalize();
        checkWritable(target);
        Path parent = target.getParent();
        Files.createDirectories(parent);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path staging = parent.resolve("." + target.getFileName() + ".partial-" + tag);
        Path previous = parent.resolve("." + target.getFileName() + ".old-" + tag);
        Files.createDirectory(staging);
        boolean replaced = false;
        try {
            writer.write(staging);
            if (!isModel(staging)) {
                throw new IllegalStateException("model writer finished without writing " + MANIFEST);
            }
            if (Files.exists(target)) {
                replaced = isModel(target);
                rename(target, previous);
            }
            rename(staging, target);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);
            if (Files.exists(previous) && !Files.exists(target)) {
                rename(previous, target); // put the old model back
            }
            throw e;
        }
        deleteTree(previous);
        return replaced;
    }

    /** Renames a directory, atomically where the file system allows it. */
    private static void rename(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(source, target);
        }
    }

    /** Deletes a directory tree if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Hard-links {@code source} to {@code target}, copying when links are not possible (other file system). */
    public static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target);
        }
    }
}
