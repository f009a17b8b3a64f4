package dev.graft.training;

import java.util.Locale;
import java.util.Objects;

/**
 * Multiplier on the base learning rate as a function of the optimiser step: a named schedule and its warm-up
 * fraction, so the settings that describe a run and the schedule it trains with are one value.
 *
 * @param kind   the schedule's shape
 * @param warmup warm-up fraction of all steps (for one-cycle, the rising fraction; 0 for {@link Kind#CONSTANT})
 */
public record LrSchedule(Kind kind, double warmup) {

    /** Warm-up fraction a schedule chosen by name gets when none is given (the Hugging Face Trainer's 10%). */
    public static final double DEFAULT_WARMUP = 0.1;

    /** One-cycle's rising fraction when none (or 0) is given by name (fastai's 25%). */
    public static final double DEFAULT_ONE_CYCLE_RISE = 0.25;

    /** The shapes a schedule can have. */
    public enum Kind {
        /** No change over training. */
        CONSTANT("constant"),
        /** Linear warm-up, then linear decay to zero. */
        LINEAR("linear"),
        /** Linear warm-up, then cosine decay to zero. */
        COSINE("cosine"),
        /** fastai's one-cycle: cosine rise from 1/25 of the rate, then cosine annealing. */
        ONECYCLE("onecycle");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** The name used in settings and on the command line. */
        public String key() {
            return key;
        }

        /** The kind named {@code name} (case, {@code -} and {@code _} ignored). */
        public static Kind parse(String name) {
            String n = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
            for (Kind k : values()) {
                if (k.key.equals(n)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("Unknown schedule '" + name + "'; use onecycle, cosine, linear or constant.");
        }
    }

    /** Validates the warm-up fraction (in [0, 1); 0 for a constant schedule). */
    public LrSchedule {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.CONSTANT && warmup != 0) {
            throw new IllegalArgumentException("a constant schedule has no warm-up, got " + warmup);
        }
        checkWarmup(warmup);
    }

    /** No change over training. */
    public static LrSchedule constant() {
        return new LrSchedule(Kind.CONSTANT, 0);
    }

    /** Linear warm-up over the first {@code warmupFraction} of steps, then cosine decay to zero. */
    public static LrSchedule warmupCosine(double warmupFraction) {
        return new LrSchedule(Kind.COSINE, warmupFraction);
    }

    /** Linear warm-up, then linear decay to zero (the Hugging Face Trainer's default). */
    public static LrSchedule warmupLinear(double warmupFraction) {
        return new LrSchedule(Kind.LINEAR, warmupFraction);
    }

    /**
     * fastai's one-cycle: cosine rise from {@code 1/25} of the rate to the full rate over the first
     * {@code pctStart} of steps, then cosine annealing to {@code 1/(25·10⁴)} of it.
     */
    public static LrSchedule oneCycle(double pctStart) {
        return new LrSchedule(Kind.ONECYCLE, pctStart);
    }

    /**
     * A schedule by name: {@code constant}, {@code cosine}, {@code linear} or {@code onecycle};
     * {@code warmup} is the warm-up fraction (for one-cycle, the rising fraction, {@value #DEFAULT_ONE_CYCLE_RISE} when 0;
     * a constant schedule ignores it).
     */
    public static LrSchedule parse(String name, double warmup) {
        return switch (Kind.parse(name)) {
            case CONSTANT -> constant();
            case COSINE -> warmupCosine(warmup);
            case LINEAR -> warmupLinear(warmup);
            case ONECYCLE -> oneCycle(warmup > 0 ? warmup : DEFAULT_ONE_CYCLE_RISE);
        };
    }

    /**
     * This schedule with the name and warm-up a user gave; {@code null} keeps this schedule's. Another schedule named
     * without a warm-up gets {@value #DEFAULT_WARMUP}: this schedule's warm-up belongs to its own shape (one-cycle's
     * rise is not a linear warm-up).
     */
    public LrSchedule overriding(String name, Double warmupFraction) {
        Kind k = name == null ? kind : Kind.parse(name);
        double w = warmupFraction != null ? warmupFraction : k == kind ? warmup : DEFAULT_WARMUP;
        return parse(k.key(), w);
    }

    /** The schedule's name: {@code constant}, {@code linear}, {@code cosine} or {@code onecycle}. */
    public String name() {
        return kind.key();
    }

    /** Multiplier at {@code step} (0-based) of {@code totalSteps}. */
    public double factor(long step, long totalSteps) {
        return switch (kind) {
            case CONSTANT -> 1.0;
            case LINEAR -> {
                long warm = warmupSteps(warmup, totalSteps);
                yield step < warm ? (step + 1) / (double) warm
                        : Math.max(0, (totalSteps - step) / (double) Math.max(1, totalSteps - warm));
            }
            case COSINE -> {
                long warm = warmupSteps(warmup, totalSteps);
                if (step < warm) {
                    yield (step + 1) / (double) warm;
                }
                double progress = (step - warm) / (double) Math.max(1, totalSteps - warm);
                yield 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
            }
            case ONECYCLE -> {
                double div = 25;
                double finalDiv = 1e4;
                long up = Math.max(1, warmupSteps(warmup, totalSteps));
                yield step < up ? cosine(1 / div, 1.0, step / (double) up)
                        : cosine(1.0, 1 / (div * finalDiv), (step - up) / (double) Math.max(1, totalSteps - up));
            }
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
