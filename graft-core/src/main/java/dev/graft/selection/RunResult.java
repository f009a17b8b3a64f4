package dev.graft.selection;

import dev.graft.metrics.ClassificationMetrics;
import java.util.Optional;

/**
 * One measured strategy run of a comparison.
 *
 * @param name          the run's name ({@code feature-extraction}, {@code fine-tune}, ...)
 * @param baseline      whether it starts from random weights (the baseline the pretrained runs must beat)
 * @param validation    metrics of the kept model on the validation split
 * @param test          metrics on the test split, when there is one
 * @param seconds       wall time of the whole run (embedding or data loading included)
 * @param trainable     trainable parameters in the best epoch
 * @param peakMemoryMb  peak resident memory of the process during the run (MiB)
 * @param peakIsPerRun  whether the peak was reset before the run (false: it may include earlier runs)
 * @param bestEpoch     the epoch whose weights were kept
 * @param epochsRun     epochs trained
 */
public record RunResult(String name, boolean baseline, ClassificationMetrics validation, Optional<ClassificationMetrics> test,
                        double seconds, long trainable, double peakMemoryMb, boolean peakIsPerRun, int bestEpoch, int epochsRun) {

    /** The metrics decisions are made on: test when present, else validation. */
    public ClassificationMetrics scored() {
        return test.orElse(validation);
    }

    /** The split {@link #scored()} comes from. */
    public String scoredSplit() {
        return test.isPresent() ? "test" : "validation";
    }
}
