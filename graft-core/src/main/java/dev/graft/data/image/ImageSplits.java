package dev.graft.data.image;

import dev.graft.data.DataException;
import dev.graft.data.LabelMap;
import java.util.Optional;

/**
 * Train, validation and optional test images; the label map comes from the training classes.
 *
 * @param train training images
 * @param val   validation images (model selection, early stopping)
 * @param test  test images, scored once at the end
 */
public record ImageSplits(ImageDataset train, ImageDataset val, Optional<ImageDataset> test) {

    /** Checks that validation and test classes are known from training. */
    public ImageSplits {
        LabelMap labels = LabelMap.of(train.classes());
        for (ImageDataset d : test.isPresent() ? new ImageDataset[] {val, test.get()} : new ImageDataset[] {val}) {
            for (String c : d.classes()) {
                if (!labels.contains(c)) {
                    throw new DataException(d.source() + " has class '" + c + "', which the training data " + train.source()
                            + " does not have (classes: " + train.classes() + ").");
                }
            }
        }
    }

    /** Class labels in sorted order. */
    public LabelMap labelMap() {
        return LabelMap.of(train.classes());
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
