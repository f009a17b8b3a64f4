package dev.graft.model.hub;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A model present in the hub cache.
 *
 * @param ref        what was asked for
 * @param commit     the commit the revision resolved to
 * @param directory  the snapshot folder ({@code .../snapshots/{commit}}), usable as a model directory
 * @param files      files of the snapshot, relative
 * @param downloaded how many files this call downloaded (0 when everything was cached)
 * @param requests   how many HTTP requests this call made (0 when served from the cache alone)
 */
public record PulledModel(RepoRef ref, String commit, Path directory, List<String> files, int downloaded,
                          int requests) {

    /** Validates and copies. */
    public PulledModel {
        Objects.requireNonNull(ref, "ref");
        HubCache.requireCommit(commit);
        Objects.requireNonNull(directory, "directory");
        files = List.copyOf(files);
        if (downloaded < 0 || requests < 0) {
            throw new IllegalArgumentException("counts must be non-negative");
        }
    }
}
