package dev.graft.data;

import java.util.List;

/**
 * One record of a delimited file before column selection.
 *
 * @param cells the field values
 * @param line  1-based line where the record starts
 */
record RawRow(List<String> cells, int line) {

    RawRow {
        cells = List.copyOf(cells);
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1");
        }
    }
}
