package dev.graft.tuning;

import java.util.List;

/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020): rungs at epochs {@code minEpochs·ηᵏ} (1, 3, 9, ... for the defaults). A trial
 * reaching a rung continues only if its value there is among the top 1/η of all values recorded at
 * that rung so far, itself included (the first trial at a rung always continues). Trials run one
 * after another here, so "asynchronous" means exactly this: no trial waits for a rung to fill.
 *
 * @param minEpochs first rung
 * @param eta       reduction factor η
 */
public record AshaPruner(int minEpochs, int eta) implements Pruner {

    /** Default first rung. */
    public static final int MIN_EPOCHS = 1;
    /** Default reduction factor. */
    public static final int REDUCTION = 3;

    /** Validates the settings. */
    public AshaPruner {
        if (minEpochs < 1 || eta < 2) {
            throw new IllegalArgumentException("ASHA needs minEpochs ≥ 1 and η ≥ 2, got " + minEpochs + ", " + eta);
        }
    }

    /** Whether {@code epoch} is a rung. */
    public boolean isRung(int epoch) {
        for (long r = minEpochs; r <= epoch; r *= eta) {
            if (r == epoch) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean prune(Trial trial, int epoch, List<Trial> others) {
        if (!isRung(epoch)) {
            return false;
        }
        Double mine = trial.intermediate().get(epoch);
        if (mine == null) {
            return false;
        }
        long better = others.stream().map(t -> t.intermediate().get(epoch)).filter(v -> v != null && v > mine).count();
        long n = 1 + others.stream().filter(t -> t.intermediate().get(epoch) != null).count();
        long keep = Math.max(1, n / eta);
        return better >= keep;
    }

    @Override
    public String name() {
        return "asha";
    }
}
