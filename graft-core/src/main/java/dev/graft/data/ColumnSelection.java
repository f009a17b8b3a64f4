package dev.graft.data;

import java.util.List;

/**
 * The outcome of column resolution for a delimited file.
 *
 * @param textIndex  0-based index of the text column
 * @param labelIndex 0-based index of the label column
 * @param hasHeader  whether the first row is a header (and not data)
 * @param columns    column names: header cells, or {@code "column N"} without a header
 */
record ColumnSelection(int textIndex, int labelIndex, boolean hasHeader, List<String> columns) {

    ColumnSelection {
        columns = List.copyOf(columns);
        if (textIndex < 0 || labelIndex < 0 || textIndex == labelIndex) {
            throw new IllegalArgumentException("text and label need two different columns >= 0");
        }
    }

    /** Number of cells a row needs to hold both columns. */
    int requiredCells() {
        return Math.max(textIndex, labelIndex) + 1;
    }

    String textName() {
        return textIndex < columns.size() ? columns.get(textIndex) : "column " + textIndex;
    }

    String labelName() {
        return labelIndex < columns.size() ? columns.get(labelIndex) : "column " + labelIndex;
    }
}
