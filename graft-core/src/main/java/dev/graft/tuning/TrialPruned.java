package dev.graft.tuning;

/** Thrown from a training listener to stop a trial the pruner gave up on; the study records it as pruned. */
public final class TrialPruned extends RuntimeException {

    private final int epoch;

    /** Pruned after {@code epoch}. */
    public TrialPruned(int epoch) {
        super("trial pruned after epoch " + epoch, null, false, false);
        this.epoch = epoch;
    }

    /** The last epoch the trial ran. */
    public int epoch() {
        return epoch;
    }
}
