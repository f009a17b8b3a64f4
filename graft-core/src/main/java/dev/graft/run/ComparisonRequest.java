package dev.graft.run;

import dev.graft.selection.ComparedMetric;
import dev.graft.selection.Recommendation;
import dev.graft.util.Arguments;
import java.util.Objects;

/**
 * A comparison of transfer strategies ({@code graft compare}): the data, model and training settings (a
 * {@link TrainingRequest} without output; its strategy is ignored, every strategy runs), the smallest gap that
 * counts, and optionally the figure to decide on.
 *
 * <pre>{@code
 * ComparisonResult r = Graft.compare(ComparisonRequest.of(TrainingRequest.of(Path.of("train.csv")).epochs(1)));
 * System.out.println(r.recommendation().recommended());
 * }</pre>
 */
public final class ComparisonRequest {

    private final TrainingRequest training;
    private double margin = Recommendation.DEFAULT_MARGIN;
    private String metric;
    private java.util.List<String> runs;

    private ComparisonRequest(TrainingRequest training) {
        this.training = Objects.requireNonNull(training, "training");
    }

    /** A comparison on the data and settings of {@code training}. */
    public static ComparisonRequest of(TrainingRequest training) {
        return new ComparisonRequest(training);
    }

    /**
     * The smallest gap that counts, in the compared figure's units (accuracy, F1, correlations: a fraction, default
     * {@link Recommendation#DEFAULT_MARGIN}); raised to 2 standard errors on small evaluation sets.
     */
    public ComparisonRequest margin(double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(Arguments.name("margin") + " must be a finite number ≥ 0 (e.g. 0.02), got " + value + ".");
        }
        margin = value;
        return this;
    }

    /** The figure to decide on, e.g. {@code spearman} ({@code null}, the default: the task's, {@link ComparedMetric#forTask}). */
    public ComparisonRequest metric(String value) {
        metric = value;
        return this;
    }

    /**
     * Only these runs, by name ({@code feature-extraction}, {@code fine-tune}, {@code lora}, {@code random-init fine-tune};
     * default: all the modality has), e.g. to keep a comparison cheap.
     */
    public ComparisonRequest runs(java.util.List<String> names) {
        runs = names == null ? null : java.util.List.copyOf(names);
        return this;
    }

    /** The runs asked for, or {@code null} for all. */
    public java.util.List<String> runs() {
        return runs;
    }

    /** The data and settings. */
    public TrainingRequest training() {
        return training;
    }

    /** The margin. */
    public double margin() {
        return margin;
    }

    /** The figure named, or {@code null} for the task's. */
    public String metric() {
        return metric;
    }
}
