package dev.graft.strategy;

import dev.graft.data.image.ImageDataset;
import java.util.Objects;

/**
 * The kept image model's class probabilities on one evaluated split, for error analysis (the image counterpart of
 * {@link SplitPredictions}).
 *
 * @param data          the split, in order
 * @param probabilities one row per image, one probability per class in the model's label order
 */
public record ImagePredictions(ImageDataset data, float[][] probabilities) {

    /** Checks that there is one row per image. */
    public ImagePredictions {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(probabilities, "probabilities");
        if (probabilities.length != data.size()) {
            throw new IllegalArgumentException(data.size() + " images but " + probabilities.length + " probability rows");
        }
    }
}
