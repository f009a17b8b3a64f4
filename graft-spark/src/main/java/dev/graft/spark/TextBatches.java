package dev.graft.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Batched inference over one partition: rows are taken in chunks, the chunk's valid texts go through the model
 * together (so the encoder can sort them by length and batch them), and each row comes out with the new columns
 * and an error column. A null or blank text, or a text the model fails on, fills the error column and leaves the
 * new columns null; it never fails the task. Rows keep their order; the iterator is lazy (a chunk at a time).
 */
final class TextBatches {

    /** The new column values of each text (without the error column), in input order. */
    @FunctionalInterface
    interface Compute {
        Object[][] apply(List<String> texts);
    }

    private TextBatches() {
    }

    static Iterator<Row> map(Iterator<Row> input, int textIndex, int chunkSize, int newColumns, Compute compute) {
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
                List<String> texts = new ArrayList<>(rows.size());
                List<Integer> positions = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    Object v = rows.get(i).get(textIndex);
                    if (v == null) {
                        errors[i] = "text is null";
                    } else if (v.toString().isBlank()) {
                        errors[i] = "text is empty";
                    } else {
                        texts.add(v.toString());
                        positions.add(i);
                    }
                }
                if (!texts.isEmpty()) {
                    try {
                        Object[][] computed = compute.apply(texts);
                        for (int j = 0; j < computed.length; j++) {
                            values[positions.get(j)] = computed[j];
                        }
                    } catch (RuntimeException batchFailure) {
                        // find the row(s) at fault: one text at a time, each failure recorded on its own row
                        for (int j = 0; j < texts.size(); j++) {
                            try {
                                values[positions.get(j)] = compute.apply(List.of(texts.get(j)))[0];
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
