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
 * @param maxLineBytes   the longest line accepted, in bytes of UTF-8, line break excluded; a CSV/TSV
 *                       record whose quoted field spans several lines may not be longer either
 *                       (default {@link BoundedLineReader#DEFAULT_MAX_LINE_BYTES}). A longer one is an
 *                       error naming the line, so that endless or binary input fails fast.
 * @param textPairColumn the column holding the second text of a text pair (paraphrase, entailment), or {@code null}
 *                       for single texts (the default; no column is chosen by a known name). With it, every example
 *                       carries {@link TextExample#textPair()}, and an empty second text counts as empty text
 *                       ({@code skipEmptyText})
 * @param quote          whether double quotes in CSV/TSV files quote fields ({@link QuoteMode#DOUBLE}, the default)
 *                       or are ordinary characters ({@link QuoteMode#NONE})
 * @param targets        how the label column is written: class names ({@link TargetFormat#classification()}, the
 *                       default), label lists (multi-label) or numbers (regression)
 */
public record DataOptions(DataFormat format, ColumnRef textColumn, ColumnRef labelColumn,
                          HeaderMode header, boolean skipEmptyText, boolean skipEmptyLabel, int maxLineBytes,
                          ColumnRef textPairColumn, QuoteMode quote, TargetFormat targets) {

    /** Validates that the header and quote modes are set and the line limit positive. */
    public DataOptions {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(quote, "quote");
        Objects.requireNonNull(targets, "targets");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be at least 1, got " + maxLineBytes);
        }
    }

    /** Options for single texts with double-quote quoting. */
    public DataOptions(DataFormat format, ColumnRef textColumn, ColumnRef labelColumn,
                       HeaderMode header, boolean skipEmptyText, boolean skipEmptyLabel, int maxLineBytes) {
        this(format, textColumn, labelColumn, header, skipEmptyText, skipEmptyLabel, maxLineBytes, null, QuoteMode.DOUBLE,
                TargetFormat.classification());
    }

    /** Options with the default line limit ({@link BoundedLineReader#DEFAULT_MAX_LINE_BYTES}). */
    public DataOptions(DataFormat format, ColumnRef textColumn, ColumnRef labelColumn,
                       HeaderMode header, boolean skipEmptyText, boolean skipEmptyLabel) {
        this(format, textColumn, labelColumn, header, skipEmptyText, skipEmptyLabel, BoundedLineReader.DEFAULT_MAX_LINE_BYTES);
    }

    /** Infer the format, pick known column names, detect the header, fail on empty rows. */
    public static DataOptions defaults() {
        return new DataOptions(null, null, null, HeaderMode.AUTO, false, false);
    }

    /** With an explicit format instead of the one implied by the file extension. */
    public DataOptions withFormat(DataFormat value) {
        return new DataOptions(value, textColumn, labelColumn, header, skipEmptyText, skipEmptyLabel, maxLineBytes, textPairColumn, quote, targets);
    }

    /** With the text column given by name or 0-based index (see {@link ColumnRef#parse}). */
    public DataOptions withTextColumn(String nameOrIndex) {
        return withTextColumn(ColumnRef.parse(nameOrIndex));
    }

    /** With the text column given as a reference ({@code null} restores the default). */
    public DataOptions withTextColumn(ColumnRef value) {
        return new DataOptions(format, value, labelColumn, header, skipEmptyText, skipEmptyLabel, maxLineBytes, textPairColumn, quote, targets);
    }

    /** With the label column given by name or 0-based index (see {@link ColumnRef#parse}). */
    public DataOptions withLabelColumn(String nameOrIndex) {
        return withLabelColumn(ColumnRef.parse(nameOrIndex));
    }

    /** With the label column given as a reference ({@code null} restores the default). */
    public DataOptions withLabelColumn(ColumnRef value) {
        return new DataOptions(format, textColumn, value, header, skipEmptyText, skipEmptyLabel, maxLineBytes, textPairColumn, quote, targets);
    }

    /** With the given header mode. */
    public DataOptions withHeader(HeaderMode value) {
        return new DataOptions(format, textColumn, labelColumn, value, skipEmptyText, skipEmptyLabel, maxLineBytes, textPairColumn, quote, targets);
    }

    /** Whether to drop rows with empty text (otherwise they are an error). */
    public DataOptions withSkipEmptyText(boolean value) {
        return new DataOptions(format, textColumn, labelColumn, header, value, skipEmptyLabel, maxLineBytes, textPairColumn, quote, targets);
    }

    /** Whether to drop rows with an empty label (otherwise they are an error). */
    public DataOptions withSkipEmptyLabel(boolean value) {
        return new DataOptions(format, textColumn, labelColumn, header, skipEmptyText, value, maxLineBytes, textPairColumn, quote, targets);
    }

    /** With a different longest line accepted, in bytes (at least 1). */
    public DataOptions withMaxLineBytes(int value) {
        return new DataOptions(format, textColumn, labelColumn, header, skipEmptyText, skipEmptyLabel, value, textPairColumn, quote, targets);
    }

    /**
     * With the column of the second text of a pair, by name or 0-based index (see {@link ColumnRef#parse}): the data
     * is then read as text pairs.
     */
    public DataOptions withTextPairColumn(String nameOrIndex) {
        return withTextPairColumn(ColumnRef.parse(nameOrIndex));
    }

    /** With the column of the second text of a pair as a reference ({@code null}: single texts, the default). */
    public DataOptions withTextPairColumn(ColumnRef value) {
        return new DataOptions(format, textColumn, labelColumn, header, skipEmptyText, skipEmptyLabel, maxLineBytes, value, quote, targets);
    }

    /** With the given quoting of CSV/TSV fields. */
    public DataOptions withQuote(QuoteMode value) {
        return new DataOptions(format, textColumn, labelColumn, header, skipEmptyText, skipEmptyLabel, maxLineBytes,
                textPairColumn, value, targets);
    }

    /** With targets read as {@code value} says: class names (the default), label lists or numbers. */
    public DataOptions withTargets(TargetFormat value) {
        return new DataOptions(format, textColumn, labelColumn, header, skipEmptyText, skipEmptyLabel, maxLineBytes,
                textPairColumn, quote, value);
    }
}
