package dev.graft.tuning;

import dev.graft.util.Arguments;
import java.util.List;
import java.util.Locale;

/** Decides after each epoch whether a trial is worth continuing, from its and the other trials' reported values. */
public interface Pruner {

    /**
     * Whether to stop {@code trial} now.
     *
     * @param trial  the running trial with its values reported so far (the latest at {@code epoch})
     * @param epoch  the epoch just reported (1-based)
     * @param others every other trial of the study (finished ones and their intermediate values)
     */
    boolean prune(Trial trial, int epoch, List<Trial> others);

    /** {@code median}, {@code asha} or {@code none}. */
    String name();

    /** Never prunes. */
    Pruner NONE = new Pruner() {
        @Override
        public boolean prune(Trial trial, int epoch, List<Trial> others) {
            return false;
        }

        @Override
        public String name() {
            return "none";
        }
    };

    /** Parses {@code median}, {@code asha} or {@code none}. */
    static Pruner parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "median" -> new MedianPruner(MedianPruner.STARTUP_TRIALS, MedianPruner.WARMUP_EPOCHS);
            case "asha" -> new AshaPruner(AshaPruner.MIN_EPOCHS, AshaPruner.REDUCTION);
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("Unknown " + Arguments.name("pruner") + " '" + name + "'; use median, asha or none.");
        };
    }
}
