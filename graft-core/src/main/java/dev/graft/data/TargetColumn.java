package dev.graft.data;

import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The target column of a data set, whatever the examples are (texts, images): the raw target of every example, how
 * the column is written, and where each example came from for messages. What {@link TargetFormat} interprets and the
 * task layer encodes; {@link TextDataset#targetColumn()} and {@code ImageDataset.targetColumn()} make one.
 *
 * @param name   the data set's name, for messages
 * @param format how the targets are written
 * @param raw    each example's target as written, in order
 * @param where  the file and line (or image) of example {@code i}, for messages
 */
public record TargetColumn(String name, TargetFormat format, List<String> raw, IntFunction<String> where) {

    /** Copies the targets. */
    public TargetColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        raw = List.copyOf(raw);
        Objects.requireNonNull(where, "where");
    }

    /** Number of examples. */
    public int size() {
        return raw.size();
    }

    /** The task the targets call for. */
    public TaskKind task() {
        return format.task();
    }

    /** The labels of every example as names (multi-label; see {@link TargetFormat#labelsOf}). */
    public List<List<String>> labelLists() {
        return java.util.stream.IntStream.range(0, raw.size()).mapToObj(i -> format.labelsOf(raw.get(i), where.apply(i))).toList();
    }

    /** The number of every example (regression; see {@link TargetFormat#valueOf}). */
    public double[] values() {
        double[] v = new double[raw.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = format.valueOf(raw.get(i), where.apply(i));
        }
        return v;
    }
}
