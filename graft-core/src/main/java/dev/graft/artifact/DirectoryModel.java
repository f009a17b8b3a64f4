package dev.graft.artifact;

import java.nio.file.Path;

/**
 * What every model saved as a Graft model directory shares: the manifest and provenance of the directory it was
 * loaded from ({@code null} for a model trained in this process and not loaded). The model types extend it instead of
 * each keeping and answering them.
 */
abstract class DirectoryModel implements GraftModel {

    private volatile SavedModel saved;

    /** Records the model directory this model was just loaded from: its manifest and provenance. */
    final void loadedFrom(Path dir) {
        saved = SavedModel.read(dir);
    }

    @Override
    public final ModelManifest manifest() {
        SavedModel s = saved;
        return s == null ? null : s.manifest();
    }

    @Override
    public final Provenance provenance() {
        SavedModel s = saved;
        return s == null ? null : s.provenance();
    }
}
