package dev.graft.training;

import java.util.List;

/**
 * Outcome of {@link Learner#fit}: the model holds the weights of {@code bestEpoch} (the best by the
 * validation metric, or the last for a learner that does not select by validation).
 *
 * @param history      one entry per epoch run
 * @param bestEpoch    1-based epoch whose weights were kept
 * @param monitor      the metric that chose it
 * @param bestScore    the monitored metric at that epoch
 * @param stoppedEarly whether patience ran out before the last epoch
 * @param seconds      total wall time
 * @param skippedSteps updates dropped because a gradient was not finite
 */
public record FitResult(List<EpochLog> history, int bestEpoch, Monitor monitor, double bestScore,
                        boolean stoppedEarly, double seconds, int skippedSteps) {

    /** Copies the history. */
    public FitResult {
        history = List.copyOf(history);
    }

    /** A result without dropped updates. */
    public FitResult(List<EpochLog> history, int bestEpoch, Monitor monitor, double bestScore, boolean stoppedEarly, double seconds) {
        this(history, bestEpoch, monitor, bestScore, stoppedEarly, seconds, 0);
    }

    /** The log of the best epoch. */
    public EpochLog best() {
        return history.get(bestEpoch - 1);
    }
}
