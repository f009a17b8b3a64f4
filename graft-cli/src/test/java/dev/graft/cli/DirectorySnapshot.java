package dev.graft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Every file and folder under a root, by relative path: size, modification time and SHA-256 of each file (for files over
 * {@link #FULL_HASH_LIMIT}, of their first and last mebibyte, so that snapshots of folders holding a bundled model stay
 * cheap; size and time still catch a rewrite). Symbolic links are recorded, not followed. {@link #diff} names what was
 * created, deleted or changed between two snapshots.
 */
final class DirectorySnapshot {

    /** Files up to this size are hashed whole. */
    static final long FULL_HASH_LIMIT = 8L << 20;
    private static final int EDGE = 1 << 20;

    /** One entry: a folder ({@code size} -1), a link or a file. */
    record Entry(String kind, long size, long mtime, String sha256) {
    }

    private final Path root;
    private final Map<String, Entry> entries;

    private DirectorySnapshot(Path root, Map<String, Entry> entries) {
        this.root = root;
        this.entries = entries;
    }

    /** Records everything under {@code root} (the root itself excluded). */
    static DirectorySnapshot take(Path root) {
        Map<String, Entry> entries = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root)) {
                        entries.put(rel(root, dir), new Entry("dir", -1, 0, ""));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isSymbolicLink()) {
                        entries.put(rel(root, file), new Entry("link", 0, 0, Files.readSymbolicLink(file).toString()));
                    } else if (attrs.isRegularFile()) {
                        entries.put(rel(root, file), new Entry("file", attrs.size(), attrs.lastModifiedTime().toMillis(),
                                sha256(file, attrs.size())));
                    } else {
                        entries.put(rel(root, file), new Entry("other", 0, 0, ""));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    entries.put(rel(root, file), new Entry("unreadable", 0, 0, String.valueOf(e.getMessage())));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DirectorySnapshot(root, entries);
    }

    /** Relative paths, '/'-separated. */
    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /** The recorded relative paths. */
    List<String> paths() {
        return new ArrayList<>(entries.keySet());
    }

    /**
     * What differs in {@code after}, ignoring paths for which {@code mayChange} holds, e.g.
     * {@code "created out/x", "deleted data/train.csv", "changed user/notes.txt (size 7 -> 0)"}.
     */
    List<String> diff(DirectorySnapshot after, Predicate<String> mayChange) {
        List<String> changes = new ArrayList<>();
        for (var e : entries.entrySet()) {
            String path = e.getKey();
            if (mayChange.test(path)) {
                continue;
            }
            Entry now = after.entries.get(path);
            if (now == null) {
                changes.add("deleted " + path);
            } else if (!now.equals(e.getValue())) {
                Entry was = e.getValue();
                String how = !was.kind().equals(now.kind()) ? was.kind() + " -> " + now.kind()
                        : was.size() != now.size() ? "size " + was.size() + " -> " + now.size()
                        : !was.sha256().equals(now.sha256()) ? "content" : "modification time";
                changes.add("changed " + path + " (" + how + ")");
            }
        }
        for (String path : after.entries.keySet()) {
            if (!entries.containsKey(path) && !mayChange.test(path)) {
                changes.add("created " + path);
            }
        }
        return changes;
    }

    /** The root this snapshot describes. */
    Path root() {
        return root;
    }

    private static String sha256(Path file, long size) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            if (size <= FULL_HASH_LIMIT) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            } else {
                md.update(in.readNBytes(EDGE));
                in.skipNBytes(size - 2L * EDGE);
                md.update(in.readNBytes(EDGE));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
