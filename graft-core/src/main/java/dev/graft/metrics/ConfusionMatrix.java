package dev.graft.metrics;

import java.util.Arrays;

/**
 * Counts of (true class, predicted class) pairs: rows are true classes, columns predicted classes, both indexed
 * {@code 0..numClasses-1}. Mutable through {@link #add}; {@link #counts()} returns a copy.
 */
public final class ConfusionMatrix {

    private final int[][] counts;
    private long total;

    /**
     * An empty matrix.
     *
     * @param numClasses the number of classes, at least 1
     */
    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1 but was " + numClasses);
        }
        this.counts = new int[numClasses][numClasses];
    }

    /**
     * Builds the matrix of paired labels.
     *
     * @param gold       true class of each example
     * @param predicted  predicted class of each example, same length as {@code gold}
     * @param numClasses the number of classes; every label must be in {@code [0, numClasses)}
     * @return the matrix
     * @throws IllegalArgumentException if the lengths differ or a label is out of range
     */
    public static ConfusionMatrix of(int[] gold, int[] predicted, int numClasses) {
        if (gold == null || predicted == null) {
            throw new IllegalArgumentException("gold and predicted labels must not be null");
        }
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException("gold has " + gold.length + " labels but predicted has "
                    + predicted.length + "; pass one prediction per example");
        }
        ConfusionMatrix m = new ConfusionMatrix(numClasses);
        for (int i = 0; i < gold.length; i++) {
            m.checkLabel("gold[" + i + "]", gold[i]);
            m.checkLabel("predicted[" + i + "]", predicted[i]);
            m.add(gold[i], predicted[i]);
        }
        return m;
    }

    /**
     * Records one example.
     *
     * @param trueClass      its true class
     * @param predictedClass the class predicted for it
     * @throws IllegalArgumentException if either is out of range
     */
    public void add(int trueClass, int predictedClass) {
        checkLabel("trueClass", trueClass);
        checkLabel("predictedClass", predictedClass);
        counts[trueClass][predictedClass]++;
        total++;
    }

    /** @return the number of classes */
    public int numClasses() {
        return counts.length;
    }

    /** @return the count of examples of true class {@code trueClass} predicted as {@code predictedClass} */
    public int count(int trueClass, int predictedClass) {
        checkLabel("trueClass", trueClass);
        checkLabel("predictedClass", predictedClass);
        return counts[trueClass][predictedClass];
    }

    /** @return a copy of the counts, {@code [true][predicted]} */
    public int[][] counts() {
        int[][] copy = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    /** @return the number of recorded examples */
    public long total() {
        return total;
    }

    /** @return the number of examples whose true class is {@code c} (its row sum) */
    public long support(int c) {
        checkLabel("class", c);
        long s = 0;
        for (int v : counts[c]) {
            s += v;
        }
        return s;
    }

    /** @return the number of examples predicted as {@code c} (its column sum) */
    public long predictedCount(int c) {
        checkLabel("class", c);
        long s = 0;
        for (int[] row : counts) {
            s += row[c];
        }
        return s;
    }

    /** @return the number of correctly classified examples (the trace) */
    public long correct() {
        long s = 0;
        for (int i = 0; i < counts.length; i++) {
            s += counts[i][i];
        }
        return s;
    }

    /** @return an independent copy */
    public ConfusionMatrix copy() {
        ConfusionMatrix m = new ConfusionMatrix(counts.length);
        for (int i = 0; i < counts.length; i++) {
            m.counts[i] = counts[i].clone();
        }
        m.total = total;
        return m;
    }

    private void checkLabel(String what, int label) {
        if (label < 0 || label >= counts.length) {
            throw new IllegalArgumentException(what + " is " + label + " but labels must be in [0, "
                    + counts.length + ") for " + counts.length + " classes; check the label mapping");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.deepToString(counts);
    }
}
