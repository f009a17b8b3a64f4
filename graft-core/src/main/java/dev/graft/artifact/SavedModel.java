package dev.graft.artifact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a loaded model came from: its directory, manifest and provenance.
 *
 * @param directory  the model directory
 * @param manifest   its {@code graft-model.json}, checked
 * @param provenance its {@code provenance.json}, or {@code null} when the directory has none
 */
record SavedModel(Path directory, ModelManifest manifest, Provenance provenance) {

    /** Reads the manifest and provenance of a model directory that a loader has just read. */
    static SavedModel read(Path dir) {
        Path manifestFile = dir.resolve(ModelDirectory.MANIFEST);
        try {
            ModelManifest m = Json.read(manifestFile, ModelManifest.class).checked(manifestFile);
            Path p = dir.resolve(TextClassifier.PROVENANCE_FILE);
            return new SavedModel(dir, m, Files.isRegularFile(p) ? Json.read(p, Provenance.class) : null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot read model " + dir + ": " + e.getMessage(), e);
        }
    }
}
