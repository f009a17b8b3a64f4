package dev.graft.data;

import java.util.Objects;
import java.util.Optional;

/**
 * Training, validation and (optional) test data for one task.
 *
 * <p>Construction validates the labels: the training set needs at least two classes, and every
 * label of the validation and test sets must occur in the training set.
 *
 * @param train the training set
 * @param val   the validation set (may be empty, e.g. with a validation fraction of 0)
 * @param test  the test set, if any
 */
public record DatasetSplits(TextDataset train, TextDataset val, Optional<TextDataset> test) {

    /**
     * Validates the labels.
     *
     * @throws DataException for a single-class training set or a label missing from training
     */
    public DatasetSplits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(val, "val");
        Objects.requireNonNull(test, "test");
        LabelMap map = LabelMap.fromTraining(train);
        map.requireKnownLabels(val);
        test.ifPresent(map::requireKnownLabels);
    }

    /** The class labels, built from the training set. */
    public LabelMap labelMap() {
        return LabelMap.fromTraining(train);
    }
}
