package dev.graft.data;

import java.util.Objects;
import java.util.Optional;

/**
 * Training, validation and (optional) test data for one task.
 *
 * <p>Construction validates the labels: the training set needs at least two classes, and every
 * label of the validation and test sets must occur in the training set. The sets hold the same kind of
 * examples: all single texts or all text pairs.
 *
 * @param train the training set
 * @param val   the validation set (may be empty, e.g. with a validation fraction of 0)
 * @param test  the test set, if any
 */
public record DatasetSplits(TextDataset train, TextDataset val, Optional<TextDataset> test) {

    /**
     * Validates the labels.
     *
     * @throws DataException for a single-class training set, a label missing from training, or text pairs in one set
     *                       and single texts in another
     */
    public DatasetSplits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(val, "val");
        Objects.requireNonNull(test, "test");
        sameKind(train, val);
        test.ifPresent(t -> sameKind(train, t));
        sameTargets(train, val);
        test.ifPresent(t -> sameTargets(train, t));
        if (train.task() == TaskKind.CLASSIFICATION) {
            LabelMap map = LabelMap.fromTraining(train);
            map.requireKnownLabels(val);
            test.ifPresent(map::requireKnownLabels);
        }
    }

    /** The task the targets call for (all sets share one {@link TargetFormat}). */
    public TaskKind task() {
        return train.task();
    }

    private static void sameTargets(TextDataset train, TextDataset other) {
        if (!other.targets().equals(train.targets())) {
            throw new DataException(train.name() + " has " + train.targets() + " targets but " + other.name() + " "
                    + other.targets() + " targets. Read every file with the same target format (targets).");
        }
    }

    /** Whether the examples are text pairs (see {@link TextDataset#hasPairs()}). */
    public boolean hasPairs() {
        return train.hasPairs();
    }

    private static void sameKind(TextDataset train, TextDataset other) {
        if (!other.isEmpty() && other.hasPairs() != train.hasPairs()) {
            TextDataset pairs = train.hasPairs() ? train : other;
            TextDataset single = train.hasPairs() ? other : train;
            throw new DataException(pairs.name() + " holds text pairs but " + single.name() + " single texts. Read every"
                    + " file with the same text pair column (textPairColumn).");
        }
    }

    /**
     * The outputs' names: the class labels built from the training set; for multi-label data every label (the
     * format's label names, or those the training set uses).
     *
     * @throws DataException for regression data, which has no labels
     */
    public LabelMap labelMap() {
        return switch (train.task()) {
            case CLASSIFICATION -> LabelMap.fromTraining(train);
            case MULTI_LABEL -> LabelMap.ofOrdered(train.targets().labelVocabulary(train));
            case REGRESSION -> throw new DataException(train.name() + " has numeric targets (regression), not labels.");
            case TOKEN_CLASSIFICATION -> throw new DataException(train.name() + " is a table; token classification reads"
                    + " tagged sentences (TaggedCorpusReader).");
            case QUESTION_ANSWERING -> throw new DataException(train.name() + " is a table; question answering reads"
                    + " questions with contexts (SquadReader).");
            case SEGMENTATION -> throw new DataException(train.name() + " is a table; segmentation reads image/mask pairs"
                    + " (SegmentationDataReader).");
        };
    }
}
