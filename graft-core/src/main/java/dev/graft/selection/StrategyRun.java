package dev.graft.selection;

import dev.graft.metrics.ClassificationMetrics;
import dev.graft.training.FitResult;
import java.util.Optional;

/**
 * One entry of a comparison: a name, whether it is the random-initialisation baseline, and how to
 * run it. Adding a strategy to {@code graft compare} is adding one of these to the list.
 *
 * @param name     shown in the table
 * @param baseline whether the run starts from random weights
 * @param body     trains, evaluates and releases the model
 */
public record StrategyRun(String name, boolean baseline, Body body) {

    /** What a run reports back. */
    public record Outcome(FitResult fit, ClassificationMetrics validation, Optional<ClassificationMetrics> test) {
    }

    /** Trains one model and returns its scores (the model itself is released by the body). */
    @FunctionalInterface
    public interface Body {
        /** Runs. */
        Outcome run() throws Exception;
    }

    /** A run that starts from pretrained weights. */
    public static StrategyRun pretrained(String name, Body body) {
        return new StrategyRun(name, false, body);
    }

    /** The random-initialisation baseline. */
    public static StrategyRun baseline(String name, Body body) {
        return new StrategyRun(name, true, body);
    }
}
