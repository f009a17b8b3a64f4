package dev.graft.artifact;

import dev.graft.tensor.io.DirectoryKind;
import dev.graft.tensor.io.OwnedDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The model directory contract: a directory is a Graft model when it holds the manifest, and it
 * is written complete or not at all ({@link OwnedDirectory}). An existing Graft model at the target is replaced
 * only after the new one is complete, and files the user added to it are kept; anything else is refused.
 */
public final class ModelDirectory {

    /** The manifest whose presence marks a complete Graft model directory. */
    public static final String MANIFEST = "graft-model.json";

    /** A model directory; older ones (before ownership markers) are recognised by their manifest. */
    public static final DirectoryKind KIND = new DirectoryKind("model", "Graft model", MANIFEST, Set.of(MANIFEST, "backbone",
            "head.safetensors", "metrics.json", "provenance.json", "report.html", "plots", "peft.json", "peft.safetensors",
            "preprocessor_config.json"), "\"" + ModelManifest.FORMAT + "\"");

    /** Fills a staging directory. */
    @FunctionalInterface
    public interface Writer {
        /** Writes all files into {@code staging}. */
        void write(Path staging) throws IOException;
    }

    private ModelDirectory() {
    }

    /** Whether {@code dir} holds a complete Graft model. */
    public static boolean isModel(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST));
    }

    /**
     * Checks that {@code target} may receive a model: absent, an empty directory, or a Graft model (which will be
     * replaced, keeping the files the user added to it). Call it before expensive work so the user learns early.
     */
    public static void checkWritable(Path target) {
        OwnedDirectory.checkWritable(target, KIND);
    }

    /**
     * Writes a model atomically at {@code target} through {@link OwnedDirectory}: all files go into a staging
     * directory, the manifest must be among them, and the directory is swapped into place.
     *
     * @return true when an existing model was replaced
     */
    public static boolean write(Path target, Writer writer) throws IOException {
        return OwnedDirectory.write(target, KIND, staging -> {
            writer.write(staging);
            if (!isModel(staging)) {
                throw new IllegalStateException("model writer finished without writing " + MANIFEST);
            }
        });
    }

    /**
     * Resolves a path a manifest names relative to the model directory, refusing anything that
     * escapes it (path traversal in an untrusted model).
     */
    static Path resolveInside(Path dir, String relative) {
        Path base = dir.toAbsolutePath().normalize();
        Path p = base.resolve(relative).normalize();
        if (!p.startsWith(base) || p.equals(base)) {
            throw new IllegalArgumentException("Model manifest in " + dir + " points outside the model directory: '" + relative + "'");
        }
        return p;
    }

    /**
     * The task kind a model directory's manifest records (classification for manifests without task settings), read
     * without loading the model.
     *
     * @throws IllegalArgumentException naming the file when the manifest is missing or unreadable
     */
    public static dev.graft.data.TaskKind taskKind(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        try {
            return Json.read(manifest, ModelManifest.class).taskKind();
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("Cannot read " + manifest + " (" + e.getMessage() + "). Pass a directory written by"
                    + " `graft train`.", e);
        }
    }

    /**
     * How the targets of data for the model in {@code dir} are written (its task's {@code TargetFormat}), read from the
     * manifest without loading the model; class labels when there is no readable manifest (loading the model then says
     * what is wrong).
     */
    public static dev.graft.data.TargetFormat targetFormat(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return dev.graft.data.TargetFormat.classification();
        }
        try {
            return Json.read(manifest, ModelManifest.class).checked(manifest).task(manifest).targetFormat();
        } catch (java.io.IOException | RuntimeException unreadable) {
            return dev.graft.data.TargetFormat.classification();
        }
    }
}
