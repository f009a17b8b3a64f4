package dev.graft.model.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Downloads models from the Hugging Face Hub into the shared hub cache.
 *
 * <pre>{@code
 * HubClient hub = new HubClient(HubSettings.fromEnvironment());
 * PulledModel m = hub.pull(RepoRef.parse("hf:sentence-transformers/all-MiniLM-L6-v2"), Progress.NONE);
 * HfCheckpoint c = HfCheckpoints.read(m.directory());
 * }</pre>
 *
 * <p>With {@link CachePolicy#PREFER_CACHE} (the default) a revision already resolved in the cache, with a snapshot
 * holding a config and weights, is used without any request, whoever downloaded it. {@link CachePolicy#CHECK_HUB}
 * asks the Hub for the revision's current commit and files, downloads only blobs the cache lacks, and falls back to
 * the cache when the network is down. Offline ({@code HF_HUB_OFFLINE=1}) never makes a request.
 *
 * <p>Thread-safe; concurrent pulls of the same model, in one process or several, share blobs safely.
 */
public final class HubClient {

    /** Whether a pull may trust the cache for a branch or tag. */
    public enum CachePolicy {
        /** Use the cached commit of the revision when its snapshot is complete; ask the Hub otherwise. */
        PREFER_CACHE,
        /** Always ask the Hub which commit the revision is at (falls back to the cache if unreachable). */
        CHECK_HUB
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubSettings settings;
    private final HubCache cache;

    /** A client for {@code settings}. */
    public HubClient(HubSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cache = new HubCache(settings.cacheDir());
    }

    /** The settings. */
    public HubSettings settings() {
        return settings;
    }

    /** The cache. */
    public HubCache cache() {
        return cache;
    }

    /** {@link #pull(RepoRef, CachePolicy, Progress)} preferring the cache. */
    public PulledModel pull(RepoRef ref, Progress progress) throws IOException {
        return pull(ref, CachePolicy.PREFER_CACHE, progress);
    }

    /**
     * Makes sure the cache holds what the model needs (see {@link ModelFiles}) and returns its snapshot.
     *
     * @throws HubException with a message saying what to do: access denied (licence, HF_TOKEN), not found, network
     *                      down (HF_HUB_OFFLINE=1), not cached in offline mode, or a corrupted download
     * @throws IOException  if the cache cannot be written
     */
    public PulledModel pull(RepoRef ref, CachePolicy policy, Progress progress) throws IOException {
        Objects.requireNonNull(ref, "ref");
        Optional<String> cached = cache.commitOf(ref);
        if (cached.isPresent()) {
            discardCorruptedFiles(ref, cached.get(), progress);
        }
        boolean complete = cached.isPresent() && cache.isComplete(ref, cached.get());
        if (settings.offline()) {
            if (!complete) {
                throw new HubException(HubException.Kind.NOT_CACHED, "HF_HUB_OFFLINE=1 is set but " + ref
                        + " is not in the cache " + settings.cacheDir() + (cached.isEmpty()
                        ? " (no refs/" + ref.revision() + ")" : " (snapshot " + cached.get() + " lacks config.json "
                        + "or weights)") + "; run `graft models pull " + ref + "` with network access first, or unset "
                        + "HF_HUB_OFFLINE");
            }
            return fromCache(ref, cached.get(), 0, 0);
        }
        if (complete && (policy == CachePolicy.PREFER_CACHE || ref.isCommit())) {
            return fromCache(ref, cached.get(), 0, 0);
        }
        HubHttp http = new HubHttp(settings);
        AtomicInteger requests = new AtomicInteger();
        try {
            return download(http, ref, requests, progress);
        } catch (HubException e) {
            if (e.kind() == HubException.Kind.NETWORK && complete && requests.get() <= 1) {
                progress.message("Hub unreachable; using the cached " + ref + " at " + cached.get());
                return fromCache(ref, cached.get(), 0, requests.get());
            }
            throw e;
        }
    }

    /**
     * Checks the weights cached for {@code commit} against the SHA-256 they were downloaded with (every use of a
     * cached model). A corrupted blob is deleted so that the pull downloads it again; offline, where it cannot be, the
     * pull is refused with what to do.
     */
    private void discardCorruptedFiles(RepoRef ref, String commit, Progress progress) throws IOException {
        List<HubCache.CorruptedFile> corrupted = cache.corruptedFiles(ref, commit);
        for (HubCache.CorruptedFile c : corrupted) {
            if (settings.offline()) {
                throw new HubException(HubException.Kind.INTEGRITY, c.describe(ref) + ". HF_HUB_OFFLINE=1 is set, so it"
                        + " cannot be downloaded again: run `graft models pull " + ref + "` with network access, which"
                        + " replaces it, or delete " + c.blob() + " and restore the file by other means.");
            }
            Files.deleteIfExists(c.blob());
            progress.message(c.describe(ref) + "; downloading it again.");
        }
    }

    private PulledModel fromCache(RepoRef ref, String commit, int downloaded, int requests) throws IOException {
        return new PulledModel(ref, commit, cache.snapshotDir(ref, commit), cache.snapshotFiles(ref, commit),
                downloaded, requests);
    }

    private PulledModel download(HubHttp http, RepoRef ref, AtomicInteger requests, Progress progress)
            throws IOException {
        requests.incrementAndGet();
        String body = http.getString(http.apiUri(ref), ref, "listing the files of " + ref);
        JsonNode info;
        try {
            info = JSON.readTree(body);
        } catch (IOException e) {
            throw new HubException(HubException.Kind.PROTOCOL, settings.endpoint() + " sent a model listing for " + ref
                    + " that is not JSON; check HF_ENDPOINT", e);
        }
        String commit = info == null ? "" : info.path("sha").asText("");
        if (!commit.matches("[0-9a-f]{40}")) {
            throw new HubException(HubException.Kind.PROTOCOL, settings.endpoint() + " sent a model listing for " + ref
                    + " without a commit hash ('sha'); check HF_ENDPOINT");
        }
        List<String> available = new ArrayList<>();
        for (JsonNode s : info.path("siblings")) {
            available.add(s.path("rfilename").asText());
        }
        int downloaded = 0;
        BlobDownloader blobs = new BlobDownloader(http, cache);
        for (String filename : ModelFiles.select(available, ref)) {
            if (cache.cachedFile(ref, commit, filename).isPresent()) {
                continue;
            }
            requests.incrementAndGet();
            FileMetadata meta = metadata(http, ref, commit, filename);
            if (!meta.commit().equals(commit)) {
                throw new HubException(HubException.Kind.PROTOCOL, filename + " of " + ref + " resolved to commit "
                        + meta.commit() + " instead of " + commit + "; the repository changed during the download, "
                        + "run again");
            }
            if (blobs.ensure(ref, filename, meta, progress)) {
                requests.incrementAndGet();
                downloaded++;
            }
            cache.link(ref, commit, filename, meta.etag());
        }
        cache.writeRef(ref, commit);
        return fromCache(ref, commit, downloaded, requests.get());
    }

    private static FileMetadata metadata(HubHttp http, RepoRef ref, String commit, String filename)
            throws IOException {
        URI uri = http.resolveUri(ref, commit, filename);
        HttpResponse<InputStream> r = http.head(uri, ref, "reading the metadata of " + filename);
        try (InputStream ignored = r.body()) {
            HttpHeaders h = r.headers();
            String etag = normaliseEtag(h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).orElse(null));
            String repoCommit = h.firstValue("X-Repo-Commit").orElse("").trim().toLowerCase(Locale.ROOT);
            long size = h.firstValue("X-Linked-Size").or(() -> r.statusCode() / 100 == 2
                    ? h.firstValue("Content-Length") : Optional.empty()).map(HubClient::parseSize).orElse(-1L);
            if (!HubCache.isUsableEtag(etag)) {
                throw new HubException(HubException.Kind.PROTOCOL, http.settings().endpoint() + " sent no usable ETag "
                        + "for " + filename + " of " + ref + "; Graft needs it to name the cached file. Check "
                        + "HF_ENDPOINT points to a Hugging Face Hub");
            }
            if (!repoCommit.matches("[0-9a-f]{40}")) {
                throw new HubException(HubException.Kind.PROTOCOL, http.settings().endpoint() + " sent no X-Repo-Commit"
                        + " for " + filename + " of " + ref + "; check HF_ENDPOINT points to a Hugging Face Hub");
            }
            URI location = r.statusCode() / 100 == 3
                    ? uri.resolve(h.firstValue("Location").orElseThrow()) : r.uri();
            return new FileMetadata(repoCommit, etag, size, location);
        }
    }

    private static long parseSize(String s) {
        try {
            long v = Long.parseLong(s.trim());
            return v >= 0 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Strips a weak marker and quotes, as {@code huggingface_hub} does. */
    static String normaliseEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }
}
