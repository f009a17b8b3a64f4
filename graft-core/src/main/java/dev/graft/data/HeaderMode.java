package dev.graft.data;

/** Whether the first row of a CSV/TSV file is a header row. Ignored for JSON Lines. */
public enum HeaderMode {
    /**
     * Decide from the content: the first row is a header when one of its cells equals
     * (case-insensitively) a requested column name or one of the known text/label column names
     * ({@link ColumnRef#KNOWN_TEXT_NAMES}, {@link ColumnRef#KNOWN_LABEL_NAMES}).
     */
    AUTO,
    /** The first row is always a header. */
    PRESENT,
    /** The file has no header; columns must be chosen by index (or by the 2-column TSV rule). */
    ABSENT
}
