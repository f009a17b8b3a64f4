package dev.graft.run.auto;

import dev.graft.run.TrainingRequest;
import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What {@code graft auto} is asked: the data (as a {@link TrainingRequest} carrying the data options, made afresh for
 * every candidate), the output folder, the time limit, and optionally the candidate backbones and the most
 * fine-tuning trials. The seed is the data request's.
 */
public final class AutoRequest {

    /** Fine-tuning trials at most, whatever the budget allows. */
    public static final int DEFAULT_MAX_TRIALS = 6;

    final Supplier<TrainingRequest> data;
    final Path output;
    final Duration timeLimit;
    List<String> candidates;
    Integer imageSize;
    int maxTrials = DEFAULT_MAX_TRIALS;
    Double speedFactor;
    List<String> commandLine = List.of();

    private AutoRequest(Supplier<TrainingRequest> data, Path output, Duration timeLimit) {
        this.data = Objects.requireNonNull(data, "data");
        this.output = Objects.requireNonNull(output, "output");
        this.timeLimit = Objects.requireNonNull(timeLimit, "timeLimit");
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException(Arguments.name("timeLimit") + " must be positive, got " + timeLimit + ".");
        }
    }

    /**
     * A search on the data {@code data} describes (each call returns a fresh request with the same training file,
     * validation/test files or fractions, data options and seed; its model, strategy and output are ignored), writing
     * into {@code output}, within {@code timeLimit}.
     */
    public static AutoRequest of(Supplier<TrainingRequest> data, Path output, Duration timeLimit) {
        return new AutoRequest(data, output, timeLimit);
    }

    /** A search on {@code trainFile} (split 80/10/10) with default data options. */
    public static AutoRequest of(Path trainFile, Path output, Duration timeLimit) {
        return new AutoRequest(() -> TrainingRequest.of(trainFile), output, timeLimit);
    }

    /** The candidate backbones (default: the text models available offline, or the imported image models). */
    public AutoRequest candidates(List<String> value) {
        candidates = value == null ? null : List.copyOf(value);
        return this;
    }

    /** Images: the crop size fed to the network (default: the backbone's). */
    public AutoRequest imageSize(Integer value) {
        imageSize = value;
        return this;
    }

    /** The most fine-tuning trials (default {@value #DEFAULT_MAX_TRIALS}); 0 leaves fine-tuning out. */
    public AutoRequest maxTrials(int value) {
        if (value < 0) {
            throw new IllegalArgumentException(Arguments.name("maxTrials") + " must be 0 or more, got " + value + ".");
        }
        maxTrials = value;
        return this;
    }

    /**
     * Plans with this speed factor (every reference estimate times it) instead of measuring one with the speed probe:
     * reproduces the plan of a run whose report or journal gives its factor, on another machine. Null (the default):
     * probe. A run that continues a journal plans with the journal's factor either way.
     */
    public AutoRequest speedFactor(Double value) {
        if (value != null && !(value > 0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(Arguments.name("speedFactor") + " must be a positive number, got " + value + ".");
        }
        speedFactor = value;
        return this;
    }

    /** The command line recorded in the saved model's provenance. */
    public AutoRequest commandLine(List<String> value) {
        commandLine = List.copyOf(value);
        return this;
    }

    /** The output folder. */
    public Path output() {
        return output;
    }

    /** The time limit. */
    public Duration timeLimit() {
        return timeLimit;
    }

    /** A fresh request on the data. */
    TrainingRequest dataRequest() {
        return data.get();
    }
}
