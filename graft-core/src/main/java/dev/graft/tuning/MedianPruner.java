package dev.graft.tuning;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The median stopping rule (Golovin et al., "Google Vizier", KDD 2017; Optuna's MedianPruner): after
 * {@code warmupEpochs}, a trial is stopped when its best value so far is below the median of the
 * values other finished trials reported at the same epoch. Nothing is pruned until
 * {@code startupTrials} trials have completed.
 *
 * @param startupTrials completed trials needed before pruning starts
 * @param warmupEpochs  epochs each trial runs before it can be pruned
 */
public record MedianPruner(int startupTrials, int warmupEpochs) implements Pruner {

    /** Default completed trials before pruning. */
    public static final int STARTUP_TRIALS = 5;
    /** Default epochs before a trial can be pruned. */
    public static final int WARMUP_EPOCHS = 1;

    @Override
    public boolean prune(Trial trial, int epoch, List<Trial> others) {
        if (epoch <= warmupEpochs) {
            return false;
        }
        long complete = others.stream().filter(t -> t.state() == Trial.State.COMPLETE).count();
        if (complete < startupTrials) {
            return false;
        }
        double[] at = others.stream().filter(Trial::finished).map(t -> t.intermediate().get(epoch)).filter(v -> v != null)
                .mapToDouble(Double::doubleValue).sorted().toArray();
        if (at.length == 0) {
            return false;
        }
        double median = at.length % 2 == 1 ? at[at.length / 2] : (at[at.length / 2 - 1] + at[at.length / 2]) / 2;
        OptionalDouble best = trial.bestUpTo(epoch);
        return best.isPresent() && best.getAsDouble() < median;
    }

    @Override
    public String name() {
        return "median";
    }
}
