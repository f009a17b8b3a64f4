package dev.graft.model.bert;

import java.util.Arrays;
import java.util.List;

/**
 * Outcome of copying named tensors into a model.
 *
 * @param loaded     names copied into the model
 * @param missing    model parameters with no tensor of that name
 * @param unexpected tensors that match no model parameter
 * @param mismatched tensors whose shape differs from the parameter's
 * @param ignored    checkpoint tensors deliberately left out before matching because the encoder has no use for
 *                   them (pooler, task and language-model heads, {@code position_ids} buffers); they do not make
 *                   the report unclean
 */
public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected,
                         List<ShapeMismatch> mismatched, List<String> ignored) {

    /** Defensive copies. */
    public LoadReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
        ignored = List.copyOf(ignored);
    }

    /** A report with nothing ignored. */
    public LoadReport(List<String> loaded, List<String> missing, List<String> unexpected,
                      List<ShapeMismatch> mismatched) {
        this(loaded, missing, unexpected, mismatched, List.of());
    }

    /** This report with {@code names} recorded as ignored. */
    public LoadReport withIgnored(List<String> names) {
        return new LoadReport(loaded, missing, unexpected, mismatched, names);
    }

    /**
     * A tensor whose shape differs from the parameter it names.
     *
     * @param name     parameter name
     * @param expected the parameter's shape
     * @param actual   the tensor's shape
     */
    public record ShapeMismatch(String name, long[] expected, long[] actual) {
        @Override
        public String toString() {
            return name + ": expected " + Arrays.toString(expected) + " but got " + Arrays.toString(actual);
        }
    }

    /** Whether every parameter was loaded and no tensor was left over. */
    public boolean isClean() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /** A summary for messages: counts, and the first few names of each list (a wrong checkpoint lists thousands). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LoadReport: ").append(loaded.size()).append(" loaded");
        sb.append("; missing ").append(missing.size()).append(missing.isEmpty() ? "" : " " + firstFew(missing));
        sb.append("; unexpected ").append(unexpected.size()).append(unexpected.isEmpty() ? "" : " " + firstFew(unexpected));
        sb.append("; mis-shaped ").append(mismatched.size()).append(mismatched.isEmpty() ? "" : " " + firstFew(mismatched));
        if (!ignored.isEmpty()) {
            sb.append("; ignored ").append(ignored.size()).append(' ').append(firstFew(ignored));
        }
        return sb.toString();
    }

    private static final int SHOWN = 5;

    private static String firstFew(List<?> items) {
        List<String> shown = items.stream().limit(SHOWN).map(String::valueOf).toList();
        return "[" + String.join(", ", shown) + (items.size() > SHOWN ? ", ... and " + (items.size() - SHOWN) + " more" : "") + "]";
    }
}
