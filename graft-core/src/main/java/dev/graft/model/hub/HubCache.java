package dev.graft.model.hub;

import dev.graft.tensor.io.AtomicFiles;
import dev.graft.util.FileChecksums;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The hub cache in {@code huggingface_hub}'s layout:
 * <pre>
 * {cacheDir}/models--{org}--{name}/blobs/{etag}                  file content, named by ETag (SHA-256 for LFS files)
 * {cacheDir}/models--{org}--{name}/blobs/{etag}.incomplete       a download in progress (resumed with Range)
 * {cacheDir}/models--{org}--{name}/snapshots/{commit}/{filename} relative symlink to ../../blobs/{etag}
 * {cacheDir}/models--{org}--{name}/refs/{revision}               the commit the revision pointed to
 * {cacheDir}/.locks/models--{org}--{name}/{etag}.lock            lock file guarding one blob
 * </pre>
 */
public final class HubCache {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final Path root;

    /** A cache rooted at {@code root} (created on first write). */
    public HubCache(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** The cache root. */
    public Path root() {
        return root;
    }

    /** {@code models--org--name}. */
    public Path repoDir(RepoRef ref) {
        return root.resolve(ref.cacheFolderName());
    }

    /** The blob of content {@code etag}. */
    Path blob(RepoRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(requireEtag(etag));
    }

    /** The partial download of {@code etag}. */
    Path incomplete(RepoRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(requireEtag(etag) + ".incomplete");
    }

    /** The lock file of {@code etag}. */
    Path lockFile(RepoRef ref, String etag) {
        return root.resolve(".locks").resolve(ref.cacheFolderName()).resolve(requireEtag(etag) + ".lock");
    }

    /** The snapshot folder of a commit. */
    public Path snapshotDir(RepoRef ref, String commit) {
        return repoDir(ref).resolve("snapshots").resolve(requireCommit(commit));
    }

    /** The commit {@code refs/{revision}} records, if any (a commit revision is its own answer). */
    public Optional<String> commitOf(RepoRef ref) throws IOException {
        if (ref.isCommit()) {
            return Optional.of(ref.revision());
        }
        Path file = repoDir(ref).resolve("refs").resolve(ref.revision());
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String commit;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            commit = new String(in.readNBytes(256), StandardCharsets.UTF_8).trim(); // a commit is 40 characters
        }
        if (!COMMIT.matcher(commit).matches()) {
            throw new HubException(HubException.Kind.PROTOCOL, file + " should hold a 40-hex commit but holds '"
                    + (commit.length() > 60 ? commit.substring(0, 60) + "..." : commit) + "'; delete it to re-resolve");
        }
        return Optional.of(commit);
    }

    /** Records that {@code revision} points to {@code commit} (nothing to record for a commit revision). */
    void writeRef(RepoRef ref, String commit) throws IOException {
        if (ref.isCommit()) {
            return;
        }
        Path file = repoDir(ref).resolve("refs").resolve(ref.revision());
        Files.createDirectories(file.getParent());
        AtomicFiles.writeString(file, requireCommit(commit));
    }

    /** The cached file of a snapshot, when present and its blob is readable. */
    public Optional<Path> cachedFile(RepoRef ref, String commit, String filename) {
        Path p = snapshotDir(ref, commit).resolve(filename);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Whether the snapshot holds a config, weights ({@code model.safetensors} or {@code pytorch_model.bin}). */
    public boolean isComplete(RepoRef ref, String commit) {
        return cachedFile(ref, commit, "config.json").isPresent()
                && (cachedFile(ref, commit, "model.safetensors").isPresent()
                || cachedFile(ref, commit, "pytorch_model.bin").isPresent());
    }

    /** Points {@code snapshots/{commit}/{filename}} at the blob, atomically; copies where symlinks are refused. */
    void link(RepoRef ref, String commit, String filename, String etag) throws IOException {
        Path target = snapshotDir(ref, commit).resolve(filename);
        Path blob = blob(ref, etag);
        Files.createDirectories(target.getParent());
        Path relative = target.getParent().relativize(blob);
        if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).equals(relative)) {
            return;
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createSymbolicLink(tmp, relative);
        } catch (UnsupportedOperationException | FileSystemException noSymlinks) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A cached file whose content no longer matches the SHA-256 its blob is named by.
     *
     * @param filename the file in the snapshot
     * @param blob     the blob holding its content
     * @param actual   the SHA-256 of the blob's bytes
     */
    public record CorruptedFile(String filename, Path blob, String actual) {

        /** One line saying what is wrong. */
        public String describe(RepoRef ref) {
            return filename + " of " + ref + " in the Hub cache (" + blob + ") has SHA-256 " + actual + ", not the "
                    + blob.getFileName() + " it was downloaded with: it was changed or corrupted after the download";
        }
    }

    /**
     * The snapshot's files whose blobs are named by a SHA-256 (the Hub's LFS files: the weights) and no longer have
     * that checksum. Files named by another ETag (small git files) cannot be checked this way and are left out.
     */
    public List<CorruptedFile> corruptedFiles(RepoRef ref, String commit) throws IOException {
        List<CorruptedFile> out = new java.util.ArrayList<>();
        Path dir = snapshotDir(ref, commit);
        for (String filename : snapshotFiles(ref, commit)) {
            Path link = dir.resolve(filename);
            if (!Files.isSymbolicLink(link)) {
                continue; // a copy (no symlinks on this file system): its blob name is not known
            }
            Path blob = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
            corruption(blob).ifPresent(actual -> out.add(new CorruptedFile(filename, blob, actual)));
        }
        return out;
    }

    /**
     * The actual SHA-256 of {@code blob} when it is named by a SHA-256 it does not have; empty when it matches or its
     * name is not a SHA-256.
     */
    static Optional<String> corruption(Path blob) throws IOException {
        String name = blob.getFileName().toString();
        if (!SHA256.matcher(name).matches() || !Files.isRegularFile(blob)) {
            return Optional.empty();
        }
        String actual = FileChecksums.sha256(blob);
        return actual.equals(name) ? Optional.empty() : Optional.of(actual);
    }

    /** Files of a snapshot, relative, for listing. */
    public List<String> snapshotFiles(RepoRef ref, String commit) throws IOException {
        Path dir = snapshotDir(ref, commit);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    static String requireCommit(String commit) {
        if (commit == null || !COMMIT.matcher(commit).matches()) {
            throw new IllegalArgumentException("not a 40-hex commit hash: '" + commit + "'");
        }
        return commit;
    }

    static String requireEtag(String etag) {
        if (etag == null || !ETAG.matcher(etag).matches()) {
            throw new IllegalArgumentException("not a usable ETag: '" + etag + "'");
        }
        return etag;
    }

    /** Whether {@code etag} can name a blob. */
    static boolean isUsableEtag(String etag) {
        return etag != null && ETAG.matcher(etag).matches();
    }
}
