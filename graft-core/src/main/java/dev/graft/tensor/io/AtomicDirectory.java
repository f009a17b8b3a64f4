package dev.graft.tensor.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a directory so that it appears complete or not at all: its files go into a hidden
 * staging sibling, which is renamed into place at the end. A previous directory at the target is
 * moved aside first and restored if the rename fails, then deleted.
 */
public final class AtomicDirectory {

    private AtomicDirectory() {
    }

    /**
     * Writes {@code target} by filling a staging directory with {@code body}. The caller decides
     * beforehand whether an existing target may be replaced.
     *
     * @return true when an existing directory was replaced
     */
    public static boolean write(Path target, IoConsumer<Path> body) throws IOException {
        target = target.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path staging = parent.resolve("." + target.getFileName() + ".partial-" + tag);
        Path previous = parent.resolve("." + target.getFileName() + ".old-" + tag);
        Files.createDirectory(staging);
        boolean replaced = false;
        try {
            body.accept(staging);
            if (Files.exists(target)) {
                rename(target, previous);
                replaced = true;
            }
            rename(staging, target);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);
            if (Files.exists(previous) && !Files.exists(target)) {
                rename(previous, target);
            }
            throw e;
        }
        deleteTree(previous);
        return replaced;
    }

    /** Deletes a directory tree if it exists. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void rename(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target);
        }
    }
}
