package dev.graft.task;

/**
 * The gold targets of a data set, encoded for training and scoring: one of {@link Classes}, {@link LabelSets} or
 * {@link Values}, matching the task that encoded them.
 */
public sealed interface Targets permits Targets.Classes, Targets.LabelSets, Targets.Values {

    /** Number of examples. */
    int size();

    /**
     * The class index of every example (single-label classification).
     *
     * @param classes one index per example, in {@code [0, classes)}
     */
    record Classes(int[] classes) implements Targets {
        @Override
        public int size() {
            return classes.length;
        }
    }

    /**
     * The labels of every example as an indicator row (multi-label classification).
     *
     * @param labels {@code labels[i][j]} is true when example {@code i} has label {@code j}
     */
    record LabelSets(boolean[][] labels) implements Targets {
        @Override
        public int size() {
            return labels.length;
        }
    }

    /**
     * The number of every example (regression), in the data's own units.
     *
     * @param values one value per example
     */
    record Values(double[] values) implements Targets {
        @Override
        public int size() {
            return values.length;
        }
    }
}
