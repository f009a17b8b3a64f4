package dev.graft.model.hub;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model repository on the Hub and a revision (branch, tag or commit).
 *
 * @param repoId   {@code org/name} (or a bare {@code name}), e.g. {@code sentence-transformers/all-MiniLM-L6-v2}
 * @param revision a branch, tag or 40-hex commit; {@code main} by default
 */
public record RepoRef(String repoId, String revision) {

    /** The prefix of Hub model references: {@code hf:org/name[@revision]}. */
    public static final String PREFIX = "hf:";
    /** The default revision. */
    public static final String DEFAULT_REVISION = "main";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern REVISION_SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** Validates both parts so that they are safe as URL path segments and cache folder names. */
    public RepoRef {
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(revision, "revision");
        String[] parts = repoId.split("/", -1);
        boolean ok = parts.length <= 2;
        for (String p : parts) {
            ok &= NAME.matcher(p).matches() && !p.contains("--") && !p.contains("..") && !p.endsWith(".");
        }
        if (!ok) {
            throw new IllegalArgumentException("'" + repoId + "' is not a Hub repository id; expected org/name "
                    + "with letters, digits, '-', '_' and '.', e.g. sentence-transformers/all-MiniLM-L6-v2");
        }
        for (String seg : revision.split("/", -1)) {
            if (!REVISION_SEGMENT.matcher(seg).matches() || seg.equals(".") || seg.equals("..")) {
                throw new IllegalArgumentException("'" + revision + "' is not a valid revision; use a branch, tag "
                        + "or commit such as main, v1.0 or refs/pr/1");
            }
        }
    }

    /**
     * Parses {@code [hf:]org/name[@revision]}.
     *
     * @throws IllegalArgumentException if the text is not a repository reference
     */
    public static RepoRef parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        if (s.startsWith(PREFIX)) {
            s = s.substring(PREFIX.length());
        }
        int at = s.lastIndexOf('@');
        if (at < 0) {
            return new RepoRef(s, DEFAULT_REVISION);
        }
        return new RepoRef(s.substring(0, at), s.substring(at + 1));
    }

    /** Whether {@code text} is a Hub reference ({@code hf:...}). */
    public static boolean isHubReference(String text) {
        return text != null && text.startsWith(PREFIX);
    }

    /** Whether the revision is a full commit hash. */
    public boolean isCommit() {
        return COMMIT.matcher(revision).matches();
    }

    /** The cache folder name, as {@code huggingface_hub} spells it: {@code models--org--name}. */
    public String cacheFolderName() {
        return "models--" + repoId.replace("/", "--");
    }

    @Override
    public String toString() {
        return repoId + (revision.equals(DEFAULT_REVISION) ? "" : "@" + revision);
    }
}
