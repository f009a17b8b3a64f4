package dev.graft.task;

import dev.graft.metrics.BinaryMetric;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How a two-class classifier decides: by the most probable class (no threshold), or by predicting the positive class
 * when its probability reaches a threshold, either given or tuned on validation data to maximise a {@link BinaryMetric}.
 * A threshold still to be tuned has a metric and no value; after tuning it has both.
 *
 * @param value    the threshold on the positive class's probability, in [0, 1]; empty: argmax
 * @param tunedFor the metric the threshold is (to be) tuned for; empty for a given threshold or none
 */
public record DecisionThreshold(OptionalDouble value, Optional<BinaryMetric> tunedFor) {

    /** No threshold: the most probable class is predicted. */
    public static final DecisionThreshold NONE = new DecisionThreshold(OptionalDouble.empty(), Optional.empty());

    /** Checks the value's range. */
    public DecisionThreshold {
        if (value.isPresent() && !(value.getAsDouble() >= 0 && value.getAsDouble() <= 1)) {
            throw new IllegalArgumentException("a decision threshold is a probability in [0, 1], got " + value.getAsDouble());
        }
    }

    /** Predict the positive class when its probability is at least {@code threshold}. */
    public static DecisionThreshold fixed(double threshold) {
        return new DecisionThreshold(OptionalDouble.of(threshold), Optional.empty());
    }

    /** A threshold to tune on validation data for {@code metric}. */
    public static DecisionThreshold tune(BinaryMetric metric) {
        return new DecisionThreshold(OptionalDouble.empty(), Optional.of(metric));
    }

    /** {@code threshold}, chosen on validation data for {@code metric}. */
    public static DecisionThreshold tuned(double threshold, BinaryMetric metric) {
        return new DecisionThreshold(OptionalDouble.of(threshold), Optional.of(metric));
    }

    /**
     * Parses {@code none} (argmax), a number in [0, 1], or {@code tune:METRIC} with METRIC one of {@code f1},
     * {@code balanced_accuracy}, {@code mcc}, {@code accuracy}.
     *
     * @throws IllegalArgumentException naming what is accepted
     */
    public static DecisionThreshold parse(String s) {
        String v = s.strip().toLowerCase(Locale.ROOT);
        if (v.equals("none") || v.equals("argmax")) {
            return NONE;
        }
        if (v.startsWith("tune:")) {
            return tune(BinaryMetric.parse(v.substring("tune:".length())));
        }
        if (v.equals("tune")) {
            return tune(BinaryMetric.F1);
        }
        double t;
        try {
            t = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("decision threshold '" + s + "' is neither a number in [0, 1] nor tune:METRIC"
                    + " (METRIC: f1, balanced_accuracy, mcc or accuracy) nor none");
        }
        return fixed(t);
    }

    /** Whether decisions follow a threshold rather than the most probable class. */
    public boolean applies() {
        return value.isPresent();
    }

    /** Whether a threshold is wanted at all (given, tuned, or still to tune). */
    public boolean wanted() {
        return value.isPresent() || tunedFor.isPresent();
    }

    @Override
    public String toString() {
        if (!wanted()) {
            return "argmax";
        }
        String t = value.isPresent() ? String.format(Locale.ROOT, "%.4f", value.getAsDouble()) : "to tune";
        return t + tunedFor.map(m -> " (tuned for " + m.key() + ")").orElse("");
    }
}
