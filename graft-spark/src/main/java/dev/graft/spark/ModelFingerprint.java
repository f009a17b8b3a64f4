package dev.graft.spark;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.strategy.ImageBackbone;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * A SHA-256 over the files of a Graft model directory that decide its predictions: the manifest (which itself
 * holds the backbone weights' SHA-256, verified by {@link TextClassifier#load} and
 * {@link dev.graft.artifact.ImageClassifier#load}), the head weights, the backbone's tokenizer and metadata, and for
 * image models the preprocessing and the ONNX file frozen features are computed from. {@link #ofBackbone} does the
 * same for a pretrained image backbone directory. The driver computes it once; every executor recomputes it on its own copy
 * (from {@code SparkFiles} or a shared path) and refuses a copy that differs. Reports and plots do not take part.
 */
public final class ModelFingerprint {

    private static final List<String> FILES = List.of(ModelDirectory.MANIFEST, TextClassifier.HEAD_FILE,
            "backbone/tokenizer.json", "backbone/backbone.json", PreprocessorConfig.FILE, "backbone/" + VisionBackbones.ONNX);

    private ModelFingerprint() {
    }

    /** The fingerprint of the model directory {@code dir}. */
    public static String of(Path dir) {
        if (!ModelDirectory.isModel(dir)) {
            throw new IllegalArgumentException(dir + " is not a Graft model directory (no " + ModelDirectory.MANIFEST
                    + "). Pass the --out directory of `graft train` or `graft spark-train`.");
        }
        MessageDigest md = Hashes.sha256();
        try {
            for (String name : FILES) {
                Path f = dir.resolve(name);
                Hashes.update(md, name);
                Hashes.update(md, Files.isRegularFile(f) ? Hashes.sha256(f) : "absent");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model " + dir + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The fingerprint of a pretrained image backbone directory: its weights' SHA-256, its {@code backbone.json}
     * and its preprocessing (all that decides its features).
     */
    public static String ofBackbone(ImageBackbone backbone) {
        MessageDigest md = Hashes.sha256();
        try {
            Hashes.update(md, "image-backbone");
            Hashes.update(md, backbone.sha256());
            Hashes.update(md, Hashes.sha256(backbone.directory().resolve(VisionBackbones.CONFIG)));
            Hashes.update(md, backbone.preprocessing().toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read backbone " + backbone.directory() + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Checks that {@code dir} has the fingerprint {@code expected}, naming both when it does not. */
    public static void verify(Path dir, String expected) {
        String actual = of(dir);
        if (!actual.equals(expected)) {
            throw new IllegalStateException("Model copy " + dir + " has fingerprint " + actual + " but the driver's model has "
                    + expected + ": the copy on this executor differs (changed or partly copied). Redistribute the model.");
        }
    }
}
