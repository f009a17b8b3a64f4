package dev.graft.data;

import java.util.Objects;

/**
 * How to read a data file. Immutable; start from {@link #defaults()} and use the {@code with...}
 * methods.
 *
 * @param format         the file format, or {@code null} to infer it from the extension (falling
 *                       back to sniffing the first line for files without a known extension)
 * @param textColumn     the text column, or {@code null} for the first known text column name
 *                       ({@link ColumnRef#KNOWN_TEXT_NAMES})
 * @param labelColumn    the label column, or {@code null} for the first known label column name
 *                       ({@link ColumnRef#KNOWN_LABEL_NAMES})
 * @param header         whether CSV/TSV files have a header row
 * @param skipEmptyText  drop rows whose text is empty or blank instead of failing
 * @param skipEmptyLabel drop rows whose label is empty or blank instead of failing
 */
public record DataOptions(DataFormat format, ColumnRef textColumn, ColumnRef labelColumn,
                          HeaderMode header, boolean skipEmptyText, boolean skipEmptyLabel) {

    /** Validates that the header mode is set. */
    public DataOptions {
        Objects.requireNonNull(header, "header");
    }

    /** Infer the format, pick known column names, detect the header, fail on empty rows. */
    public static DataOptions defaults() {
        return new DataOptions(null, null, null, HeaderMode.AUTO, false, false);
    }

    /** With an explicit format instead of the one implied by the file extension. */
    public DataOptions withFormat(DataFormat value) {
        return new DataOptions(value, textColumn, labelColumn, header, skipEmptyText, skipEmptyLabel);
    }

    /** With the text column given by name or 0-based index (see {@link ColumnRef#parse}). */
    public DataOptions withTextColumn(String nameOrIndex) {
        return withTextColumn(ColumnRef.parse(nameOrIndex));
    }

    /** With the text column given as a reference ({@code null} restores the default). */
    public DataOptions withTextColumn(ColumnRef value) {
        return new DataOptions(format, value, labelColumn, header, skipEmptyText, skipEmptyLabel);
    }

    /** With the label column given by name or 0-based index (see {@link ColumnRef#parse}). */
    public DataOptions withLabelColumn(String nameOrIndex) {
        return withLabelColumn(ColumnRef.parse(nameOrIndex));
    }

    /** With the label column given as a reference ({@code null} restores the default). */
    public DataOptions withLabelColumn(ColumnRef value) {
        return new DataOptions(format, textColumn, value, header, skipEmptyText, skipEmptyLabel);
    }

    /** With the given header mode. */
    public DataOptions withHeader(HeaderMode value) {
        return new DataOptions(format, textColumn, labelColumn, value, skipEmptyText, skipEmptyLabel);
    }

    /** Whether to drop rows with empty text (otherwise they are an error). */
    public DataOptions withSkipEmptyText(boolean value) {
        return new DataOptions(format, textColumn, labelColumn, header, value, skipEmptyLabel);
    }

    /** Whether to drop rows with an empty label (otherwise they are an error). */
    public DataOptions withSkipEmptyLabel(boolean value) {
        return new DataOptions(format, textColumn, labelColumn, header, skipEmptyText, value);
    }
}
