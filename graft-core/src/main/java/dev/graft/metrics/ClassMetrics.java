package dev.graft.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One class's scores.
 *
 * @param label     the class name
 * @param precision true positives / predicted positives, 0 when nothing was predicted as this class
 * @param recall    true positives / actual positives, 0 when the class has no examples
 * @param f1        harmonic mean of precision and recall, 0 when both are 0
 * @param support   number of examples whose true class is this one
 */
public record ClassMetrics(String label, double precision, double recall, double f1, long support) {

    /** Validates ranges. */
    public ClassMetrics {
        Objects.requireNonNull(label, "label");
        ClassificationMetrics.checkUnit("precision of '" + label + "'", precision);
        ClassificationMetrics.checkUnit("recall of '" + label + "'", recall);
        ClassificationMetrics.checkUnit("f1 of '" + label + "'", f1);
        if (support < 0) {
            throw new IllegalArgumentException("support of '" + label + "' must be >= 0 but was " + support);
        }
    }

    /** @return {label, precision, recall, f1, support} in that order */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("f1", f1);
        m.put("support", support);
        return m;
    }
}
