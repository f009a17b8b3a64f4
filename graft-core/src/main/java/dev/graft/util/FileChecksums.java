package dev.graft.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 of model files, computed from their bytes and remembered for this process while the file is unchanged
 * (same real path, file identity, size and modification time), so that checking a backbone on every use costs one
 * pass over it per process rather than one per call. A file changed in any way that touches its metadata is hashed
 * again. As in git's "racy" check, a file modified less than {@value #RACY_MILLIS} ms before it was hashed is not
 * remembered, since a coarse file-system clock could give a second write within that time the same timestamp.
 */
public final class FileChecksums {

    private static final int MAX_ENTRIES = 256;
    private static final long RACY_MILLIS = 2000;
    private static final ConcurrentHashMap<Path, Entry> CACHE = new ConcurrentHashMap<>();

    private record Entry(Object fileKey, long size, long modifiedNanos, String sha256) {
    }

    private FileChecksums() {
    }

    /** Hex SHA-256 of {@code file}'s bytes (symbolic links followed). */
    public static String sha256(Path file) throws IOException {
        Path real = file.toRealPath();
        BasicFileAttributes before = Files.readAttributes(real, BasicFileAttributes.class);
        Entry cached = CACHE.get(real);
        if (cached != null && matches(cached, before)) {
            return cached.sha256();
        }
        long started = System.currentTimeMillis();
        String sha = Hashes.sha256(real);
        BasicFileAttributes after = Files.readAttributes(real, BasicFileAttributes.class);
        boolean settled = started - after.lastModifiedTime().toMillis() >= RACY_MILLIS;
        if (settled && same(before, after)) { // not remembered when the file changed while it was read
            if (CACHE.size() >= MAX_ENTRIES) {
                CACHE.clear();
            }
            CACHE.put(real, new Entry(after.fileKey(), after.size(), after.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), sha));
        }
        return sha;
    }

    private static boolean matches(Entry e, BasicFileAttributes a) {
        return Objects.equals(e.fileKey(), a.fileKey()) && e.size() == a.size()
                && e.modifiedNanos() == a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private static boolean same(BasicFileAttributes a, BasicFileAttributes b) {
        return Objects.equals(a.fileKey(), b.fileKey()) && a.size() == b.size()
                && a.lastModifiedTime().equals(b.lastModifiedTime());
    }
}
