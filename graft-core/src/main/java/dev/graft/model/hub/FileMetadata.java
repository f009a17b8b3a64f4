package dev.graft.model.hub;

import java.net.URI;

/**
 * What a {@code HEAD} of {@code /resolve/} says about one file.
 *
 * @param commit   {@code X-Repo-Commit}
 * @param etag     {@code X-Linked-Etag} (the SHA-256 of an LFS file) or {@code ETag}, unquoted
 * @param size     {@code X-Linked-Size} or {@code Content-Length}; -1 if unknown
 * @param location where to GET the content (the redirect target for LFS files)
 */
record FileMetadata(String commit, String etag, long size, URI location) {

    /** Whether the ETag is a SHA-256 (an LFS file), which the download must match. */
    boolean isSha256() {
        return etag.matches("[0-9a-f]{64}");
    }
}
