package dev.graft.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a dataset came from, for error messages, caching and provenance.
 *
 * @param path        the file read, or {@code null} for data built in memory
 * @param fileSha256  lower-case hex SHA-256 of the file's bytes, or {@code null} for in-memory data
 * @param format      the format the file was read as, or {@code null} for in-memory data
 * @param columns     the column names (CSV/TSV header cells, or {@code "column N"} without a
 *                    header; JSON Lines field names); empty for in-memory data
 * @param textColumn  the column the text was read from
 * @param labelColumn the column the label was read from
 * @param skippedRows rows dropped because of empty text or label (see {@link DataOptions})
 * @param textPairColumn the column the second text of each pair was read from, or {@code null} for single texts
 */
public record DataSource(Path path, String fileSha256, DataFormat format, List<String> columns,
                         String textColumn, String labelColumn, int skippedRows, String textPairColumn) {

    /** A source of single texts. */
    public DataSource(Path path, String fileSha256, DataFormat format, List<String> columns,
                      String textColumn, String labelColumn, int skippedRows) {
        this(path, fileSha256, format, columns, textColumn, labelColumn, skippedRows, null);
    }

    /** Copies the column list and checks the counts. */
    public DataSource {
        columns = List.copyOf(columns);
        Objects.requireNonNull(textColumn, "textColumn");
        Objects.requireNonNull(labelColumn, "labelColumn");
        if (skippedRows < 0) {
            throw new IllegalArgumentException("skippedRows must be >= 0");
        }
        if ((path == null) != (fileSha256 == null)) {
            throw new IllegalArgumentException("A file source needs both a path and its SHA-256");
        }
    }

    /** A source for examples built in memory. */
    public static DataSource inMemory() {
        return new DataSource(null, null, null, List.of(), "text", "label", 0);
    }

    /** The file name for messages, or {@code "<in-memory data>"}. */
    public String displayName() {
        return path == null ? "<in-memory data>" : path.toString();
    }
}
