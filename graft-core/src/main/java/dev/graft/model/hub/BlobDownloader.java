package dev.graft.model.hub;

import dev.graft.model.ModelFileLimits;
import dev.graft.util.Hashes;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one blob into the cache: under a per-blob lock (a {@link FileLock} on {@code .locks/.../{etag}.lock}
 * between processes, a {@link ReentrantLock} between threads), resuming a {@code .incomplete} file with a
 * {@code Range} request, verifying SHA-256 (LFS) or size, and renaming into place atomically.
 */
final class BlobDownloader {

    private static final ConcurrentHashMap<Path, ReentrantLock> THREAD_LOCKS = new ConcurrentHashMap<>();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");

    private final HubHttp http;
    private final HubCache cache;

    BlobDownloader(HubHttp http, HubCache cache) {
        this.http = http;
        this.cache = cache;
    }

    /**
     * Ensures the blob of {@code meta.etag()} exists.
     *
     * @return true if this call downloaded it, false if it was already there (perhaps fetched by another thread or
     * process while this one waited for the lock)
     */
    boolean ensure(RepoRef ref, String filename, FileMetadata meta, Progress progress) throws IOException {
        Path blob = cache.blob(ref, meta.etag());
        if (Files.isRegularFile(blob) && HubCache.corruption(blob).isEmpty()) {
            return false;
        }
        Files.createDirectories(blob.getParent());
        Path lockFile = cache.lockFile(ref, meta.etag());
        Files.createDirectories(lockFile.getParent());
        ReentrantLock threadLock = THREAD_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        threadLock.lock();
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock()) {
            if (Files.isRegularFile(blob)) {
                Optional<String> corrupted = HubCache.corruption(blob);
                if (corrupted.isEmpty()) {
                    return false;
                }
                progress.message(filename + " of " + ref + " in the Hub cache (" + blob + ") has SHA-256 " + corrupted.get()
                        + ": it was changed or corrupted after the download; downloading it again.");
                Files.delete(blob);
            }
            download(ref, filename, meta, blob, progress);
            return true;
        } finally {
            threadLock.unlock();
        }
    }

    private void download(RepoRef ref, String filename, FileMetadata meta, Path blob, Progress progress)
            throws IOException {
        Path partial = cache.incomplete(ref, meta.etag());
        long have = Files.isRegularFile(partial) ? Files.size(partial) : 0;
        if (meta.size() >= 0 && have > meta.size()) {
            Files.delete(partial); // longer than the file: not a prefix of it
            have = 0;
        }
        String what = "downloading " + filename + " of " + ref;
        long maxBytes = ModelFiles.limit(filename, meta.size(), ref); // refused before a byte is fetched
        if (maxBytes >= 0 && have > maxBytes) {
            Files.delete(partial);
            have = 0;
        }
        if (meta.size() < 0 || have < meta.size()) {
            HttpResponse<InputStream> r = http.get(meta.location(), have > 0 ? "bytes=" + have + "-" : null, ref, what);
            boolean append = have > 0 && r.statusCode() == 206 && rangeStart(r) == have;
            if (!append) {
                have = 0;
            }
            progress.start("Downloading " + filename, meta.size());
            if (have > 0) {
                progress.step(have);
            }
            try (InputStream in = r.body();
                 OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                long limit = meta.size() >= 0 ? meta.size() : maxBytes >= 0 ? maxBytes : Long.MAX_VALUE;
                long total = have;
                int n;
                while ((n = in.read(buf)) > 0) {
                    total += n;
                    if (total > limit) {
                        throw new HubException(HubException.Kind.INTEGRITY, what + ": the server sent more than the "
                                + limit + " bytes " + (meta.size() >= 0 ? "announced" : "such a file may have")
                                + "; the download was discarded, run again");
                    }
                    out.write(buf, 0, n);
                    progress.step(n);
                }
            } catch (HubException e) {
                Files.deleteIfExists(partial);
                throw e;
            } catch (IOException e) {
                String reason = e instanceof java.net.http.HttpTimeoutException ? e.getMessage() + "; "
                        + HubSettings.READ_TIMEOUT_VARIABLE + " sets this limit in seconds"
                        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                throw new HubException(HubException.Kind.NETWORK, what + " was interrupted after "
                        + Files.size(partial) + " bytes (" + reason + "). The bytes received are kept in " + partial
                        + ": run the same command again to resume, or set HF_HUB_OFFLINE=1 to use the cache only", e);
            } finally {
                progress.done();
            }
        }
        verify(ref, filename, meta, partial);
        Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE);
    }

    private static long rangeStart(HttpResponse<InputStream> r) {
        Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void verify(RepoRef ref, String filename, FileMetadata meta, Path partial) throws IOException {
        long size = Files.size(partial);
        if (meta.size() >= 0 && size != meta.size()) {
            Files.delete(partial);
            throw new HubException(HubException.Kind.INTEGRITY, filename + " of " + ref + ": received " + size
                    + " bytes but the Hub announced " + meta.size() + "; the download was discarded, run again");
        }
        if (ModelFileLimits.isJson(filename)) {
            try {
                ModelFileLimits.parseJson(Files.readAllBytes(partial), filename, filename + " of " + ref, JSON);
            } catch (IOException e) {
                Files.delete(partial);
                throw new HubException(HubException.Kind.INTEGRITY, e.getMessage() + ". The download was discarded: the"
                        + " repository is broken; ask its owner or pick another revision.", e);
            }
        }
        if (meta.isSha256()) {
            String actual = Hashes.sha256(partial);
            if (!actual.equals(meta.etag())) {
                Files.delete(partial);
                throw new HubException(HubException.Kind.INTEGRITY, filename + " of " + ref + ": SHA-256 " + actual
                        + " does not match the Hub's " + meta.etag() + "; the download was corrupted and discarded, "
                        + "run again");
            }
        }
    }
}
