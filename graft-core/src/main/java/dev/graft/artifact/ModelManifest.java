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
