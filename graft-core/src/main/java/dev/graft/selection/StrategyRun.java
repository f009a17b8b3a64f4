package dev.graft.selection;

import dev.graft.metrics.TaskMetrics;
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

    /**
     * What a run reports back.
     *
     * @param fit           the training history
     * @param validation    the kept model's validation metrics
     * @param test          its test metrics, when there is a test split
     * @param standardError the bootstrap standard error of the compared figure on the scored split, or NaN
     */
    public record Outcome(FitResult fit, TaskMetrics validation, Optional<TaskMetrics> test, double standardError) {
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
