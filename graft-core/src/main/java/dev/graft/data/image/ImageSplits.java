package dev.graft.data.image;

import dev.graft.data.DataException;
import dev.graft.data.LabelMap;
import dev.graft.data.TaskKind;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Train, validation and optional test images with one target format; the outputs' names come from the training set
 * (its classes, or for multi-label data its labels).
 *
 * @param train training images
 * @param val   validation images (model selection, early stopping, multi-label thresholds)
 * @param test  test images, scored once at the end
 */
public record ImageSplits(ImageDataset train, ImageDataset val, Optional<ImageDataset> test) {

    /**
     * Checks that every set writes its targets the same way, and that the classes (or labels) of validation and test
     * are known from training.
     */
    public ImageSplits {
        for (ImageDataset d : test.isPresent() ? new ImageDataset[] {val, test.get()} : new ImageDataset[] {val}) {
            if (!d.targets().equals(train.targets())) {
                throw new DataException(train.source() + " has " + train.targets() + " targets but " + d.source() + " "
                        + d.targets() + " targets. Read every file with the same target format (targets).");
            }
            switch (train.task()) {
                case CLASSIFICATION -> {
                    LabelMap labels = LabelMap.of(train.classes());
                    for (String c : d.classes()) {
                        if (!labels.contains(c)) {
                            throw new DataException(d.source() + " has class '" + c + "', which the training data " + train.source()
                                    + " does not have (classes: " + train.classes() + ").");
                        }
                    }
                }
                case MULTI_LABEL -> {
                    List<String> known = train.targets().labelVocabulary(train.targetColumn());
                    Set<String> unknown = new HashSet<>(d.targetCounts().keySet());
                    known.forEach(unknown::remove);
                    if (!unknown.isEmpty()) {
                        throw new DataException(d.source() + " has label(s) " + unknown.stream().sorted().toList() + " that the"
                                + " training data " + train.source() + " does not use (labels: " + known + "). Add training"
                                + " images with them, or give every label in a label names file (labelNames).");
                    }
                }
                case REGRESSION -> { }
            }
        }
    }

    /** The task the targets call for. */
    public TaskKind task() {
        return train.task();
    }

    /**
     * The outputs' names: the training classes in sorted order; for multi-label data every label (the format's label
     * names, or those the training set uses).
     *
     * @throws DataException for regression data, which has no labels
     */
    public LabelMap labelMap() {
        return switch (train.task()) {
            case CLASSIFICATION -> LabelMap.of(train.classes());
            case MULTI_LABEL -> LabelMap.ofOrdered(train.targets().labelVocabulary(train.targetColumn()));
            case REGRESSION -> throw new DataException(train.source() + " has numeric targets (regression), not labels.");
            case TOKEN_CLASSIFICATION, QUESTION_ANSWERING -> throw new DataException(train.source() + " holds images, which"
                    + " have no token tags or answer spans.");
            case SEGMENTATION -> throw new DataException(train.source() + " is an image table; segmentation reads images/ and"
                    + " masks/ folders (SegmentationDataReader).");
        };
    }

    /**
     * Splits from what the user gave: without {@code val} and {@code test}, train is split
     * stratified into train/val/test; with only {@code test}, validation is split off train.
     */
    public static ImageSplits of(ImageDataset train, ImageDataset val, ImageDataset test, double valFraction,
                                 double testFraction, long seed) {
        if (val == null && test == null) {
            ImageDataset[] s = train.split(valFraction, testFraction, seed);
            return new ImageSplits(s[0], s[1], Optional.ofNullable(s[2]));
        }
        if (val == null) {
            ImageDataset[] s = train.split(valFraction, 0, seed);
            return new ImageSplits(s[0], s[1], Optional.of(test));
        }
        return new ImageSplits(train, val, Optional.ofNullable(test));
    }
}
