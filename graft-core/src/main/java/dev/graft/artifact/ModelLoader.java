package dev.graft.artifact;

import java.nio.file.Path;

/** Loads one kind of model directory as a {@link GraftModel}; registered with {@link ModelLoaders}. */
public interface ModelLoader {

    /** Whether this loader reads models with this checked manifest (by its task name and task kind). */
    boolean accepts(ModelManifest manifest);

    /** Loads the model directory {@code dir}, whose manifest {@link #accepts} accepted. */
    GraftModel load(Path dir);
}
