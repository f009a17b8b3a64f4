package dev.graft.data;

import java.util.List;

/**
 * The outcome of column resolution for a delimited file.
 *
 * @param textIndex  0-based index of the text column (of a pair: the first text)
 * @param labelIndex 0-based index of the label column
 * @param pairIndex  0-based index of the column holding the second text of a pair, or {@code -1} for single texts
 * @param hasHeader  whether the first row is a header (and not data)
 * @param columns    column names: header cells, or {@code "column N"} without a header
 */
record ColumnSelection(int textIndex, int labelIndex, int pairIndex, boolean hasHeader, List<String> columns) {

    ColumnSelection {
        columns = List.copyOf(columns);
        if (textIndex < 0 || labelIndex < 0 || textIndex == labelIndex) {
            throw new IllegalArgumentException("text and label need two different columns >= 0");
        }
        if (pairIndex < -1 || pairIndex == textIndex || pairIndex == labelIndex) {
            throw new IllegalArgumentException("the text pair column must differ from text and label, or be -1");
        }
    }

    /** A selection of single texts. */
    ColumnSelection(int textIndex, int labelIndex, boolean hasHeader, List<String> columns) {
        this(textIndex, labelIndex, -1, hasHeader, columns);
    }

    /** Whether the second text of a pair is read too. */
    boolean hasPair() {
        return pairIndex >= 0;
    }

    /** Number of cells a row needs to hold every chosen column. */
    int requiredCells() {
        return Math.max(Math.max(textIndex, labelIndex), pairIndex) + 1;
    }

    String textName() {
        return name(textIndex);
    }

    String labelName() {
        return name(labelIndex);
    }

    /** The name of the pair column, or {@code null} for single texts. */
    String pairName() {
        return hasPair() ? name(pairIndex) : null;
    }

    private String name(int index) {
        return index < columns.size() ? columns.get(index) : "column " + index;
    }
}
