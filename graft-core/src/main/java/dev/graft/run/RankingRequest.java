package dev.graft.run;

import dev.graft.util.Arguments;
import java.util.List;
import java.util.Objects;

/**
 * A ranking of candidate backbones by LogME ({@code graft rank}): the labelled data and feature-extraction settings (a
 * {@link TrainingRequest} without output; its model and strategy are not used), the candidates, and whether to also
 * train a feature-extraction head on each to check the order.
 */
public final class RankingRequest {

    /** The text candidates ranked when none are named. */
    public static final List<String> DEFAULT_TEXT_MODELS = List.of("minilm", "minilm-random", "minilm-cls");

    private final TrainingRequest training;
    private List<String> models = DEFAULT_TEXT_MODELS;
    private boolean measure;

    private RankingRequest(TrainingRequest training) {
        this.training = Objects.requireNonNull(training, "training");
    }

    /** A ranking on the data of {@code training}. */
    public static RankingRequest of(TrainingRequest training) {
        return new RankingRequest(training);
    }

    /** The candidate backbones: names, Hub references or directories (default {@link #DEFAULT_TEXT_MODELS}). */
    public RankingRequest models(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException(Arguments.name("models") + " needs at least one backbone name.");
        }
        models = List.copyOf(names);
        return this;
    }

    /** Also train and score a feature-extraction head on each candidate (default: no). */
    public RankingRequest measure(boolean value) {
        measure = value;
        return this;
    }

    /** The data and settings. */
    public TrainingRequest training() {
        return training;
    }

    /** The candidates. */
    public List<String> models() {
        return models;
    }

    /** Whether each candidate is measured. */
    public boolean measure() {
        return measure;
    }
}
