package dev.graft.run.auto;

import dev.graft.util.Progress;
import java.nio.file.Path;
import java.util.List;

/**
 * The data of an auto run as the plan sees it, text or images: sizes, the default candidates, cost estimates and the
 * ranking score. One implementation per modality; the plan itself is the same for both.
 */
interface AutoData {

    /** "text" or "images". */
    String modality();

    /** The candidates used when none are named: those available without a download. */
    List<String> defaultCandidates();

    /** Training examples. */
    int trainSize();

    /** Validation examples. */
    int valSize();

    /** Estimated seconds of LogME on {@code sample} training examples with {@code backbone}. */
    double rankSeconds(String backbone, int sample);

    /** Estimated seconds of feature extraction with {@code backbone} (features of every split, a closed-form head). */
    double featureExtractionSeconds(String backbone);

    /** Estimated seconds of one fine-tuning trial of {@code epochs} epochs of {@code backbone}. */
    double trialSeconds(String backbone, int epochs);

    /** LogME of {@code backbone}'s frozen features of a stratified sample of {@code sample} training examples. */
    double logMe(String backbone, int sample, long seed, Progress progress);

    /**
     * Estimated seconds of scoring a saved fine-tuned model of {@code backbone} on validation, and on test too when
     * {@code test}: loading it and one pass of the encoder in libtorch.
     */
    double scoreSeconds(String backbone, boolean test);

    /**
     * Accuracy of the saved model in {@code modelDir} on the validation split, and on the test split when {@code test} and
     * there is one.
     */
    Scores score(Path modelDir, boolean test, Progress progress);

    /**
     * A saved model's accuracy.
     *
     * @param validation on the validation split
     * @param test       on the test split, or null
     */
    record Scores(double validation, Double test) {
    }
}
