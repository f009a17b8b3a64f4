package dev.graft.selection;

import dev.graft.metrics.TaskMetrics;
import java.util.Optional;

/**
 * One measured strategy run of a comparison.
 *
 * @param name          the run's name ({@code feature-extraction}, {@code fine-tune}, ...)
 * @param baseline      whether it starts from random weights (the baseline the pretrained runs must beat)
 * @param validation    metrics of the kept model on the validation split (the task's: classification, multi-label, regression)
 * @param test          metrics on the test split, when there is one
 * @param seconds       wall time of the whole run (embedding or data loading included)
 * @param trainable     trainable parameters in the best epoch
 * @param peakMemoryMb  peak resident memory of the process during the run (MiB)
 * @param peakIsPerRun  whether the peak was reset before the run (false: it may include earlier runs)
 * @param bestEpoch     the epoch whose weights were kept
 * @param epochsRun     epochs trained
 * @param standardError the bootstrap standard error of the compared figure on the scored split ({@link BootstrapError});
 *                      NaN when not computed (accuracy has a closed form)
 */
public record RunResult(String name, boolean baseline, TaskMetrics validation, Optional<TaskMetrics> test,
                        double seconds, long trainable, double peakMemoryMb, boolean peakIsPerRun, int bestEpoch, int epochsRun,
                        double standardError) {

    /** A run without a bootstrap standard error (compared on accuracy). */
    public RunResult(String name, boolean baseline, TaskMetrics validation, Optional<TaskMetrics> test, double seconds,
                     long trainable, double peakMemoryMb, boolean peakIsPerRun, int bestEpoch, int epochsRun) {
        this(name, baseline, validation, test, seconds, trainable, peakMemoryMb, peakIsPerRun, bestEpoch, epochsRun, Double.NaN);
    }

    /** The metrics decisions are made on: test when present, else validation. */
    public TaskMetrics scored() {
        return test.orElse(validation);
    }

    /** The split {@link #scored()} comes from. */
    public String scoredSplit() {
        return test.isPresent() ? "test" : "validation";
    }
}
