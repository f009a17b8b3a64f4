package dev.graft.data;

import dev.graft.util.Arguments;
import dev.graft.util.Excerpt;
import java.util.List;

/**
 * Reads a CSV or TSV file into a dataset: parse records, resolve columns, check each row's fields,
 * collect examples.
 *
 * <p>Every row must have at most as many fields as the header (without a header: the first row).
 * A row with more fields is refused, naming its line: such a row almost always holds an unquoted
 * delimiter inside a text, and reading it anyway would shift the fields after it (a word of the
 * text would become the label). A row with fewer fields is accepted when it still holds the text
 * and label columns.
 */
final class DelimitedReader {

    private DelimitedReader() {
    }

    static TextDataset read(SourceText source, DataFormat format, DataOptions options) {
        List<RawRow> rows = DelimitedParser.parse(source, format, options.maxLineBytes(), options.quote());
        if (rows.isEmpty()) {
            throw new DataException("Data file " + source.path() + " is empty. It needs a header row (e.g. text,label)"
                    + " and at least one data row.");
        }
        ColumnSelection cols = ColumnResolver.resolve(source, format, rows, options);
        List<RawRow> data = cols.hasHeader() ? rows.subList(1, rows.size()) : rows;
        if (data.isEmpty()) {
            throw new DataException(source.path() + " has a header row " + Excerpt.list(cols.columns())
                    + " but no data rows. Add at least one row of text and label below the header.");
        }
        ExampleCollector collector = new ExampleCollector(source.path(), options, cols.textName(), cols.labelName(), cols.pairName());
        for (RawRow row : data) {
            if (row.cells().size() > cols.columns().size()) {
                throw tooManyFields(source, format, cols, row, rows.get(0).line());
            }
            if (row.cells().size() < cols.requiredCells()) {
                throw new DataException(source.path() + ": line " + row.line() + " has " + row.cells().size()
                        + " column(s), but the " + missingRole(cols, row.cells().size())
                        + " column is column " + (cols.requiredCells() - 1) + " (0-based; columns "
                        + Excerpt.list(cols.columns()) + "). Check that line's delimiters (" + delimiters(format)
                        + ") and quotes; fields containing the delimiter or line breaks must be enclosed in double quotes.");
            }
            collector.add(row.cells().get(cols.textIndex()), cols.hasPair() ? row.cells().get(cols.pairIndex()) : null,
                    row.cells().get(cols.labelIndex()), row.line());
        }
        List<TextExample> examples = collector.finish();
        DataSource ds = new DataSource(source.path(), source.sha256(), format, cols.columns(),
                cols.textName(), cols.labelName(), collector.skipped(), cols.pairName());
        return new TextDataset(String.valueOf(source.path().getFileName()), ds, examples, options.targets());
    }

    private static DataException tooManyFields(SourceText source, DataFormat format, ColumnSelection cols, RawRow row,
                                               int firstLine) {
        int expected = cols.columns().size();
        boolean csv = format == DataFormat.CSV;
        String reference = cols.hasHeader() ? "the header has " + expected + ": " + Excerpt.list(cols.columns())
                : "the first row (line " + firstLine + ") has " + expected;
        String fix = cols.hasHeader()
                ? " Fix that line, or, if the rows really have more columns, name them all in the header and choose the text"
                        + " and label columns (" + Arguments.name("textColumn") + ", " + Arguments.name("labelColumn") + ")."
                : " Fix that line, or, if the rows really have more columns, make the first row complete too.";
        return new DataException(source.path() + ": line " + row.line() + " has " + row.cells().size() + " fields, but "
                + reference + " (line " + row.line() + ": " + ColumnResolver.preview(row.cells()) + "). A text that contains a "
                + (csv ? "comma" : "tab") + " must be enclosed in double quotes (" + (csv ? "\"like, this\"" : "\"like<TAB>this\"")
                + "); unquoted, it is split into extra fields and the label would be read from the wrong one." + fix);
    }

    /** The role of the last column a row of {@code cells} cells lacks: text, label or text pair. */
    private static String missingRole(ColumnSelection cols, int cells) {
        int last = cols.requiredCells() - 1;
        return last == cols.pairIndex() ? "text pair" : last == cols.textIndex() ? "text" : "label";
    }

    private static String delimiters(DataFormat format) {
        return format == DataFormat.CSV ? "commas" : "tabs";
    }
}
