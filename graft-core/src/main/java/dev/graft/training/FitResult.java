package dev.graft.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * How the fit went, as every task's {@code metrics.json} records it: {@code best_epoch}, {@code epochs_run},
     * {@code stopped_early}, {@code skipped_steps} (updates dropped for a non-finite gradient), {@code monitor} and
     * the per-epoch {@code history}.
     */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("best_epoch", bestEpoch);
        m.put("epochs_run", history.size());
        m.put("stopped_early", stoppedEarly);
        m.put("skipped_steps", skippedSteps);
        m.put("monitor", monitor.key());
        m.put("history", history);
        return m;
    }

    /** The log of the best epoch. */
    public EpochLog best() {
        return history.get(bestEpoch - 1);
    }
}
