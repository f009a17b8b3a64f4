package dev.graft.training;

import java.util.Locale;

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
        checkWarmup(warmupFraction);
        return (step, total) -> {
            long warm = warmupSteps(warmupFraction, total);
            if (step < warm) {
                return (step + 1) / (double) warm;
            }
            double progress = (step - warm) / (double) Math.max(1, total - warm);
            return 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        };
    }

    /** Linear warm-up, then linear decay to zero (the Hugging Face Trainer's default). */
    static LrSchedule warmupLinear(double warmupFraction) {
        checkWarmup(warmupFraction);
        return (step, total) -> {
            long warm = warmupSteps(warmupFraction, total);
            if (step < warm) {
                return (step + 1) / (double) warm;
            }
            return Math.max(0, (total - step) / (double) Math.max(1, total - warm));
        };
    }

    /**
     * fastai's one-cycle: cosine rise from {@code 1/25} of the rate to the full rate over the first
     * {@code pctStart} of steps, then cosine annealing to {@code 1/(25·10⁴)} of it.
     */
    static LrSchedule oneCycle(double pctStart) {
        checkWarmup(pctStart);
        double div = 25;
        double finalDiv = 1e4;
        return (step, total) -> {
            long up = Math.max(1, warmupSteps(pctStart, total));
            if (step < up) {
                return cosine(1 / div, 1.0, step / (double) up);
            }
            return cosine(1.0, 1 / (div * finalDiv), (step - up) / (double) Math.max(1, total - up));
        };
    }

    /**
     * A schedule by name: {@code constant}, {@code cosine}, {@code linear} or {@code onecycle};
     * {@code warmup} is the warm-up fraction (for one-cycle, the rising fraction).
     */
    static LrSchedule parse(String name, double warmup) {
        return switch (name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
            case "constant" -> constant();
            case "cosine" -> warmupCosine(warmup);
            case "linear" -> warmupLinear(warmup);
            case "onecycle" -> oneCycle(warmup > 0 ? warmup : 0.25);
            default -> throw new IllegalArgumentException("Unknown schedule '" + name + "'; use onecycle, cosine, linear or constant.");
        };
    }

    private static double cosine(double from, double to, double progress) {
        return to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }

    private static long warmupSteps(double fraction, long total) {
        return (long) Math.ceil(fraction * total);
    }

    private static void checkWarmup(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("warm-up fraction must be in [0, 1), got " + fraction);
        }
    }
}
