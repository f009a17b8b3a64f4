package dev.graft.model.hub;

import dev.graft.tensor.io.IoConsumer;
import dev.graft.util.FileChecksums;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a pinned jar ({@link MavenArtifact}) in the local Maven repository, or downloads it from a remote one.
 *
 * <p>Only bytes with the pinned size and SHA-256 are ever handed on: a local copy with another checksum is reported
 * and ignored, a download with another is discarded. A download goes to {@code {downloadDir}/{fileName}.part} under a
 * per-file lock (a {@link FileLock} between processes, a {@link ReentrantLock} between threads); an interrupted or
 * stalled one keeps its bytes and resumes with a {@code Range} request the next time. Connecting and each response's
 * headers are bounded by {@link MavenSettings#connectTimeout()}, every read of the body by
 * {@link MavenSettings#readTimeout()}. Offline settings never make a request.
 */
public final class MavenDownloads {

    private static final ConcurrentHashMap<Path, ReentrantLock> THREAD_LOCKS = new ConcurrentHashMap<>();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");

    private final MavenSettings settings;

    /** Downloads with {@code settings}. */
    public MavenDownloads(MavenSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The settings. */
    public MavenSettings settings() {
        return settings;
    }

    /** Where the local Maven repository would hold {@code artifact}. */
    public Path localPath(MavenArtifact artifact) {
        return settings.localRepository().resolve(artifact.repositoryPath());
    }

    /**
     * The jar in the local Maven repository when it is there with the pinned checksum; a copy with another checksum or
     * size is not used, and {@code progress} is told why.
     */
    public Optional<Path> local(MavenArtifact artifact, Progress progress) throws IOException {
        Path jar = localPath(artifact);
        if (!Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        Optional<String> problem = mismatch(artifact, jar);
        if (problem.isPresent()) {
            progress.message(jar + " " + problem.get() + "; not using it.");
            return Optional.empty();
        }
        return Optional.of(jar);
    }

    /**
     * Downloads {@code artifact} from {@link MavenSettings#repository()}, verifies it, hands it to {@code use} and then
     * deletes the download (it was only needed by {@code use}); when {@code use} fails, the verified jar is kept for
     * the next try. Runs under the artifact's download lock.
     *
     * @throws HubException {@link HubException.Kind#NOT_CACHED} offline, {@code NOT_FOUND} when the repository lacks
     *                      it, {@code NETWORK} when unreachable or interrupted (the bytes received are kept),
     *                      {@code INTEGRITY} when the bytes differ from the pin, {@code PROTOCOL} otherwise
     */
    public void download(MavenArtifact artifact, Progress progress, IoConsumer<Path> use) throws IOException {
        if (settings.offline()) {
            throw new HubException(HubException.Kind.NOT_CACHED, MavenSettings.OFFLINE_VARIABLE + " is set, so "
                    + artifact.coordinates() + " cannot be downloaded; it is not in the local Maven repository either ("
                    + localPath(artifact) + ")");
        }
        Files.createDirectories(settings.downloadDir());
        Path jar = settings.downloadDir().resolve(artifact.fileName());
        Path lockFile = settings.downloadDir().resolve(artifact.fileName() + ".lock");
        ReentrantLock threadLock = THREAD_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        threadLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (!Files.isRegularFile(jar) || mismatch(artifact, jar).isPresent()) {
                Files.deleteIfExists(jar); // only Graft writes this name: a verified download it kept
                fetch(artifact, jar, progress);
            }
            use.accept(jar);
            Files.delete(jar);
        } finally {
            threadLock.unlock();
        }
    }

    private void fetch(MavenArtifact artifact, Path jar, Progress progress) throws IOException {
        Path partial = jar.resolveSibling(jar.getFileName() + ".part");
        long have = Files.isRegularFile(partial) ? Files.size(partial) : 0;
        if (have > artifact.size()) {
            Files.delete(partial); // longer than the file: not a prefix of it
            have = 0;
        }
        URI uri = URI.create(settings.repository() + "/" + artifact.repositoryPath());
        String what = "downloading " + artifact.coordinates() + " from " + settings.repository();
        if (have < artifact.size()) {
            HttpResponse<InputStream> r = get(uri, have, artifact, what);
            boolean append = have > 0 && r.statusCode() == 206 && rangeStart(r) == have;
            if (!append) {
                have = 0;
            }
            progress.start("Downloading " + artifact.fileName(), artifact.size());
            if (have > 0) {
                progress.step(have);
            }
            try (InputStream in = r.body();
                 OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                long total = have;
                int n;
                while ((n = in.read(buf)) > 0) {
                    total += n;
                    if (total > artifact.size()) {
                        throw new HubException(HubException.Kind.INTEGRITY, what + ": the server sent more than the "
                                + artifact.size() + " bytes of the pinned jar; the download was discarded. Check "
                                + MavenSettings.REPOSITORY_VARIABLE + " points to a mirror of Maven Central");
                    }
                    out.write(buf, 0, n);
                    progress.step(n);
                }
            } catch (HubException e) {
                Files.deleteIfExists(partial);
                throw e;
            } catch (IOException e) {
                String reason = e instanceof HttpTimeoutException ? e.getMessage() + "; " + MavenSettings.READ_TIMEOUT_VARIABLE
                        + " sets this limit in seconds" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                throw new HubException(HubException.Kind.NETWORK, what + " was interrupted after " + Files.size(partial)
                        + " of " + artifact.size() + " bytes (" + reason + "). The bytes received are kept in " + partial
                        + ": run the same command again to resume", e);
            } finally {
                progress.done();
            }
        }
        Optional<String> problem = mismatch(artifact, partial);
        if (problem.isPresent()) {
            Files.delete(partial);
            throw new HubException(HubException.Kind.INTEGRITY, "the download of " + artifact.coordinates() + " from "
                    + settings.repository() + " " + problem.get() + "; it was discarded. Run again; if it persists, "
                    + MavenSettings.REPOSITORY_VARIABLE + " points to a repository that serves other bytes");
        }
        Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE);
    }

    private HttpResponse<InputStream> get(URI uri, long from, MavenArtifact artifact, String what) throws HubException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.connectTimeout()).GET()
                .header("Accept-Encoding", "identity")
                .header("User-Agent", "graft/" + MavenDownloads.class.getPackage().getImplementationVersion());
        if (from > 0) {
            b.header("Range", "bytes=" + from + "-");
        }
        HttpResponse<InputStream> r;
        try {
            r = client.send(b.build(), info -> HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(),
                    in -> new IdleTimeoutInputStream(in, settings.readTimeout())));
        } catch (IOException e) {
            throw new HubException(HubException.Kind.NETWORK, "cannot reach " + settings.repository() + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ") while " + what
                    + "; check the network or " + MavenSettings.REPOSITORY_VARIABLE + ", or put the jar into the local Maven"
                    + " repository with `mvn dependency:get -Dartifact=" + artifact.coordinates() + " -Dtransitive=false`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Kind.NETWORK, "interrupted while " + what, e);
        }
        int code = r.statusCode();
        if (code / 100 == 2) {
            return r;
        }
        try {
            r.body().close();
        } catch (IOException ignored) {
            // the status is what matters
        }
        if (code == 404) {
            throw new HubException(HubException.Kind.NOT_FOUND, settings.repository() + " has no " + artifact.repositoryPath()
                    + " (HTTP 404) while " + what + "; check " + MavenSettings.REPOSITORY_VARIABLE);
        }
        throw new HubException(HubException.Kind.PROTOCOL, settings.repository() + " answered HTTP " + code + " while " + what
                + (code == 429 || code >= 500 ? "; the repository is busy or failing, try again later" : ""));
    }

    private static long rangeStart(HttpResponse<InputStream> r) {
        Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Why {@code file} is not the pinned jar: its size or SHA-256; empty when it is. */
    private static Optional<String> mismatch(MavenArtifact artifact, Path file) throws IOException {
        long size = Files.size(file);
        if (size != artifact.size()) {
            return Optional.of("has " + size + " bytes, not the " + artifact.size() + " of the pinned " + artifact.fileName());
        }
        String sha = FileChecksums.sha256(file);
        return sha.equals(artifact.sha256()) ? Optional.empty()
                : Optional.of("has SHA-256 " + sha + ", not the pinned " + artifact.sha256() + " of " + artifact.fileName());
    }
}
