package dev.graft.run;

import dev.graft.training.LrFinder;
import java.util.Objects;

/**
 * A learning-rate range test ({@code graft lr-find}): the data, model and strategy (a {@link TrainingRequest} without
 * output) and the sweep: from {@link #start} to {@link #end} over {@link #steps} training steps.
 */
public final class LrFinderRequest {

    /** The first rate unless told otherwise. */
    public static final double DEFAULT_START = 1e-7;
    /** The last rate unless told otherwise. */
    public static final double DEFAULT_END = 10;
    /** Steps of the sweep unless told otherwise. */
    public static final int DEFAULT_STEPS = 100;

    private final TrainingRequest training;
    private double start = DEFAULT_START;
    private double end = DEFAULT_END;
    private int steps = DEFAULT_STEPS;

    private LrFinderRequest(TrainingRequest training) {
        this.training = Objects.requireNonNull(training, "training");
    }

    /** A sweep on the data, model and strategy of {@code training}. */
    public static LrFinderRequest of(TrainingRequest training) {
        return new LrFinderRequest(training);
    }

    /** The sweep's rates and steps (checked by {@link LrFinder}). */
    public LrFinderRequest sweep(double startRate, double endRate, int stepCount) {
        start = startRate;
        end = endRate;
        steps = stepCount;
        return this;
    }

    /** The data, model and strategy. */
    public TrainingRequest training() {
        return training;
    }

    /** The finder this request describes. */
    public LrFinder finder() {
        return new LrFinder(start, end, steps);
    }
}
