package dev.graft.tuning;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One trial of a study.
 *
 * @param number        0-based trial number
 * @param state         where it stands
 * @param params        the sampled settings by dimension name (Double for numeric dimensions, String for choices)
 * @param value         the objective (higher is better) when complete
 * @param intermediate  reported value per epoch (1-based)
 * @param seconds       wall time
 */
public record Trial(int number, State state, Map<String, Object> params, OptionalDouble value,
                    SortedMap<Integer, Double> intermediate, double seconds) {

    /** Trial states. */
    public enum State {
        /** Started and not finished: after a crash, restarted on resume. */
        RUNNING,
        /** Trained to the end; has a value. */
        COMPLETE,
        /** Stopped by the pruner. */
        PRUNED,
        /** Failed (e.g. diverged); its error is recorded. */
        FAILED
    }

    /** Copies the maps. */
    public Trial {
        params = Map.copyOf(params);
        intermediate = new TreeMap<>(intermediate);
    }

    /** Whether the trial has ended (complete, pruned or failed). */
    public boolean finished() {
        return state != State.RUNNING;
    }

    /** The best reported intermediate value up to {@code epoch}, if any. */
    public OptionalDouble bestUpTo(int epoch) {
        return intermediate.headMap(epoch + 1).values().stream().mapToDouble(Double::doubleValue).max();
    }
}
