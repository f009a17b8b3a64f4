package dev.graft.run.auto;

import dev.graft.data.TaskKind;
import dev.graft.selection.ComparedMetric;
import dev.graft.util.Progress;
import java.nio.file.Path;
import java.util.List;

/**
 * The data of an auto run as the plan sees it, text or images: the task and its compared figure, sizes, the default candidates, cost estimates and the
 * ranking score. One implementation per modality; the plan itself is the same for both.
 */
interface AutoData {

    /** "text" or "images". */
    String modality();

    /** The task the targets call for (classification, multi-label or regression). */
    TaskKind task();

    /** The figure candidates are scored and compared on, with its direction ({@link ComparedMetric#forKind}). */
    ComparedMetric metric();

    /** The candidates used when none are named: those available without a download. */
    List<String> defaultCandidates();

    /** Training examples. */
    int trainSize();

    /** Validation examples. */
    int valSize();

    /**
     * Rows of the training file a {@code maxTrain} subsample is drawn from: the training split, plus the validation and
     * test splits when they are carved out of the training file.
     */
    int trainFileRows();

    /**
     * Estimated seconds of the speed probe's compute at the reference rates (opening the backbone not included):
     * embedding the first {@code n} examples of the ranking sample ({@code sample} training examples drawn with
     * {@code seed}) with {@code backbone}.
     */
    double probeSeconds(String backbone, int n, int sample, long seed);

    /**
     * Embeds the probe {@link #probeSeconds} estimates, bypassing the embedding cache (a cached probe would time the
     * disk), telling {@code progress} when the embedding starts and ends, and keeps its features so that the ranking of {@code backbone} on the same sample embeds only the rest.
     */
    void probe(String backbone, int n, int sample, long seed, Progress progress);

    /**
     * Estimated seconds, within {@link #featureExtractionSeconds}, of the features of a test split read from a file of
     * its own (0 when there is none, or when it is carved out of the training file).
     */
    double testSeconds(String backbone);

    /** Estimated seconds of LogME on {@code sample} training examples with {@code backbone}. */
    double rankSeconds(String backbone, int sample);

    /**
     * Estimated seconds of feature extraction with {@code backbone} (features of every split, a closed-form head) when
     * a share {@code keep} (0 to 1) of the training file's rows is kept ({@link #trainFileRows()}); linear in
     * {@code keep}.
     */
    double featureExtractionSeconds(String backbone, double keep);

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
