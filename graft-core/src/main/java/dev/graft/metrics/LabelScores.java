package dev.graft.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One label's scores in a multi-label task.
 *
 * @param label            the label name
 * @param threshold        the decision threshold used for this label
 * @param precision        true positives / predicted positives, 0 when nothing was predicted
 * @param recall           true positives / actual positives, 0 when the label has no positives
 * @param f1               harmonic mean of precision and recall, 0 when both are 0
 * @param support          number of examples that carry the label
 * @param averagePrecision average precision of the label's scores; empty when the label has no positives
 */
public record LabelScores(String label, double threshold, double precision, double recall, double f1, long support,
        OptionalDouble averagePrecision) {

    /** Validates ranges. */
    public LabelScores {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(averagePrecision, "averagePrecision (use OptionalDouble.empty())");
        ClassificationMetrics.checkUnit("precision of '" + label + "'", precision);
        ClassificationMetrics.checkUnit("recall of '" + label + "'", recall);
        ClassificationMetrics.checkUnit("f1 of '" + label + "'", f1);
        if (support < 0) {
            throw new IllegalArgumentException("support of '" + label + "' must be >= 0 but was " + support);
        }
    }

    /** @return {label, threshold, precision, recall, f1, support, average_precision (only when defined)} */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label);
        m.put("threshold", threshold);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("f1", f1);
        m.put("support", support);
        if (averagePrecision.isPresent()) {
            m.put("average_precision", averagePrecision.getAsDouble());
        }
        return m;
    }
}
