package dev.graft.artifact;

import java.nio.file.Path;

/** Loads one kind of model directory (or model file) as a {@link GraftModel}; registered with {@link ModelLoaders}. */
public interface ModelLoader {

    /** Whether this loader reads models with this checked manifest (by its task name and task kind). */
    boolean accepts(ModelManifest manifest);

    /**
     * Whether this loader reads the single model file {@code file} (an exported graph) rather than a model directory.
     * None does unless it says so.
     */
    default boolean acceptsFile(Path file) {
        return false;
    }

    /** Loads the model directory (or the file {@link #acceptsFile} accepted) {@code dir}, whose manifest {@link #accepts} accepted. */
    GraftModel load(Path dir);
}
