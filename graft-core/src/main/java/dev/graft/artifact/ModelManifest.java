package dev.graft.artifact;

import java.util.List;

/**
 * {@code graft-model.json}: what a model directory holds and how to rebuild the model from it.
 *
 * @param format        always {@code graft-model}
 * @param formatVersion layout version; readers refuse versions they do not know
 * @param task          {@code text-classification}
 * @param strategy      how it was trained ({@code feature-extraction}, ...)
 * @param backbone      the pretrained encoder, stored under {@code backbone/}
 * @param head          the trained head, stored in {@code head.safetensors}
 * @param labels        class labels in index order
 */
public record ModelManifest(String format, int formatVersion, String task, String strategy, Backbone backbone,
                            Head head, List<String> labels) {

    /** The value of {@link #format()}. */
    public static final String FORMAT = "graft-model";
    /** The layout version this build writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** The widest head input or hidden layer a manifest may declare (a bound checked before anything is allocated). */
    static final int MAX_WIDTH = 1 << 16;

    /**
     * Checks that this manifest, read from {@code file}, is complete and describes a head that can be built: the format
     * and version, every part present, sizes within bounds and one label per class.
     *
     * @return this manifest
     * @throws IllegalArgumentException naming the file and the field
     */
    public ModelManifest checked(java.nio.file.Path file) {
        if (!FORMAT.equals(format) || formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException(file + " declares format " + format + " v" + formatVersion + "; this Graft reads "
                    + FORMAT + " v" + FORMAT_VERSION + ".");
        }
        require(file, backbone != null, "'backbone'");
        require(file, head != null, "'head'");
        require(file, labels != null && !labels.contains(null), "'labels' (a list of class names)");
        require(file, backbone.directory() != null && !backbone.directory().isBlank(), "'backbone.directory'");
        require(file, head.file() != null && !head.file().isBlank(), "'head.file'");
        require(file, head.inputDim() >= 1 && head.inputDim() <= MAX_WIDTH, "'head.input_dim' between 1 and " + MAX_WIDTH);
        require(file, head.hiddenUnits() >= 0 && head.hiddenUnits() <= MAX_WIDTH, "'head.hidden_units' between 0 and " + MAX_WIDTH);
        require(file, head.dropout() >= 0 && head.dropout() < 1, "'head.dropout' in [0, 1)");
        require(file, head.numClasses() >= 2 && head.numClasses() == labels.size(),
                "'head.num_classes' equal to the number of labels (" + labels.size() + "), at least 2");
        return this;
    }

    private static void require(java.nio.file.Path file, boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(file + " lacks a valid " + what + "; the model directory is damaged. Retrain, or"
                    + " restore the file from the saved model.");
        }
    }

    /**
     * @param id        model id
     * @param sha256    checksum of {@code backbone/model.onnx}, verified on load
     * @param maxLength maximum tokens per text
     * @param pooling   pooling ({@code mean} or {@code cls})
     * @param license   licence of the pretrained weights
     * @param directory sub-directory holding the encoder files
     */
    public record Backbone(String id, String sha256, int maxLength, String pooling, String license, String directory) {
    }

    /**
     * @param inputDim    width of the sentence vector
     * @param numClasses  output classes
     * @param hiddenUnits hidden layer width (0 = none)
     * @param dropout     dropout used in training
     * @param file        weights file name
     */
    public record Head(int inputDim, int numClasses, int hiddenUnits, double dropout, String file) {
    }
}
