package dev.graft.training;

/** Multiplier on the base learning rate as a function of the optimiser step. */
@FunctionalInterface
public interface LrSchedule {

    /** Multiplier at {@code step} (0-based) of {@code totalSteps}. */
    double factor(long step, long totalSteps);

    /** No change over training. */
    static LrSchedule constant() {
        return (step, total) -> 1.0;
    }

    /** Linear warm-up over the first {@code warmupFraction} of steps, then cosine decay to zero. */
    static LrSchedule warmupCosine(double warmupFraction) {
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException("warmup fraction must be in [0, 1), got " + warmupFraction);
        }
        return (step, total) -> {
            long warm = (long) Math.ceil(warmupFraction * total);
            if (step < warm) {
                return (step + 1) / (double) warm;
            }
            double progress = (step - warm) / (double) Math.max(1, total - warm);
            return 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        };
    }
}
