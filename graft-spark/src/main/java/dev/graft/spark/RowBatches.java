package dev.graft.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Batched inference over one partition: rows are taken in chunks, each row's input cell is read (a text, a decoded
 * and preprocessed image), the chunk's valid inputs go through the model together (so a text encoder can sort them
 * by length and batch them), and each row comes out with the new columns and an error column. A row the
 * {@link Reader} refuses ({@link BadRow}: null or blank text, unreadable image), or one the model fails on, fills
 * the error column and leaves the new columns null; it never fails the task. Any other exception from the reader
 * (a model that cannot be loaded) does fail the task. Rows keep their order; the iterator is lazy (a chunk at a time).
 */
final class RowBatches {

    /** A row whose input cannot be used; its message goes to the error column. */
    static final class BadRow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRow(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads the model input from a row's cell; throws {@link BadRow} for a row that cannot be used. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Object cell);
    }

    /** The new column values of each input (without the error column), in input order. */
    @FunctionalInterface
    interface Compute<T> {
        Object[][] apply(List<T> inputs);
    }

    private RowBatches() {
    }

    /** The text of a cell: refuses null and blank. */
    static String text(Object cell) {
        if (cell == null) {
            throw new BadRow("text is null");
        }
        String s = cell.toString();
        if (s.isBlank()) {
            throw new BadRow("text is empty");
        }
        return s;
    }

    static <T> Iterator<Row> map(Iterator<Row> input, int inputIndex, int chunkSize, int newColumns, Reader<T> reader,
                                 Compute<T> compute) {
        return new Iterator<>() {
            private Iterator<Row> pending = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!pending.hasNext() && input.hasNext()) {
                    pending = nextChunk().iterator();
                }
                return pending.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.next();
            }

            private List<Row> nextChunk() {
                List<Row> rows = new ArrayList<>(chunkSize);
                while (rows.size() < chunkSize && input.hasNext()) {
                    rows.add(input.next());
                }
                Object[][] values = new Object[rows.size()][];
                String[] errors = new String[rows.size()];
                List<T> inputs = new ArrayList<>(rows.size());
                List<Integer> positions = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    try {
                        inputs.add(reader.read(rows.get(i).get(inputIndex)));
                        positions.add(i);
                    } catch (BadRow e) {
                        errors[i] = e.getMessage();
                    }
                }
                if (!inputs.isEmpty()) {
                    try {
                        Object[][] computed = compute.apply(inputs);
                        for (int j = 0; j < computed.length; j++) {
                            values[positions.get(j)] = computed[j];
                        }
                    } catch (RuntimeException batchFailure) {
                        // find the row(s) at fault: one input at a time, each failure recorded on its own row
                        for (int j = 0; j < inputs.size(); j++) {
                            try {
                                values[positions.get(j)] = compute.apply(List.of(inputs.get(j)))[0];
                            } catch (RuntimeException e) {
                                errors[positions.get(j)] = e.getClass().getSimpleName() + ": " + e.getMessage();
                            }
                        }
                    }
                }
                List<Row> out = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    Row r = rows.get(i);
                    Object[] cells = new Object[r.length() + newColumns + 1];
                    for (int c = 0; c < r.length(); c++) {
                        cells[c] = r.get(c);
                    }
                    if (values[i] != null) {
                        System.arraycopy(values[i], 0, cells, r.length(), newColumns);
                    }
                    cells[cells.length - 1] = errors[i];
                    out.add(RowFactory.create(cells));
                }
                return out;
            }
        };
    }
}
