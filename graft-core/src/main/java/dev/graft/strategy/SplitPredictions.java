package dev.graft.strategy;

import dev.graft.data.TextDataset;
import java.util.Objects;

/**
 * The kept model's class probabilities on one evaluated split, for error analysis (reports, misclassified examples).
 *
 * @param data          the split, in order
 * @param probabilities one row per example, one probability per class in the model's label order
 */
public record SplitPredictions(TextDataset data, float[][] probabilities) {

    /** Checks that there is one row per example. */
    public SplitPredictions {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(probabilities, "probabilities");
        if (probabilities.length != data.size()) {
            throw new IllegalArgumentException(data.size() + " examples but " + probabilities.length + " probability rows");
        }
    }
}
