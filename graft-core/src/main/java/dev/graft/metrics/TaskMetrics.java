package dev.graft.metrics;

import java.util.Map;

/**
 * What a task's evaluation measured, whatever the task: named scalar figures a monitor, a comparison or a report can
 * read ({@link #values()}), and the whole result as a JSON-ready map ({@link #toMap()}).
 */
public interface TaskMetrics {

    /** Named scalar figures in a stable order, e.g. {@code accuracy}, {@code macro_f1}, or {@code pearson}, {@code rmse}. */
    Map<String, Double> values();

    /** The figure named {@code name}, or NaN when this evaluation has none. */
    default double value(String name) {
        Double v = values().get(name);
        return v == null ? Double.NaN : v;
    }

    /** Every figure, including per-class or per-label tables, as written to {@code metrics.json}. */
    Map<String, Object> toMap();

    /** Number of examples scored. */
    long n();

    /** A plain-text summary: one named figure per line. */
    default String toTable() {
        StringBuilder b = new StringBuilder();
        values().forEach((k, v) -> b.append(String.format(java.util.Locale.ROOT, "  %-18s %.4f%n", k, v)));
        return b.toString();
    }
}
