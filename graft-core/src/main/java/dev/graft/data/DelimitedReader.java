package dev.graft.data;

import java.util.List;

/** Reads a CSV or TSV file into a dataset: parse records, resolve columns, collect examples. */
final class DelimitedReader {

    private DelimitedReader() {
    }

    static TextDataset read(SourceText source, DataFormat format, DataOptions options) {
        List<RawRow> rows = DelimitedParser.parse(source, format);
        if (rows.isEmpty()) {
            throw new DataException("Data file " + source.path() + " is empty. It needs a header row (e.g. text,label)"
                    + " and at least one data row.");
        }
        ColumnSelection cols = ColumnResolver.resolve(source, format, rows, options);
        List<RawRow> data = cols.hasHeader() ? rows.subList(1, rows.size()) : rows;
        if (data.isEmpty()) {
            throw new DataException(source.path() + " has a header row " + cols.columns()
                    + " but no data rows. Add at least one row of text and label below the header.");
        }
        ExampleCollector collector = new ExampleCollector(source.path(), options, cols.textName(), cols.labelName());
        for (RawRow row : data) {
            if (row.cells().size() < cols.requiredCells()) {
                throw new DataException(source.path() + ": line " + row.line() + " has " + row.cells().size()
                        + " column(s), but the " + (cols.textIndex() >= row.cells().size() ? "text" : "label")
                        + " column is column " + Math.max(cols.textIndex(), cols.labelIndex()) + " (0-based; columns "
                        + cols.columns() + "). Check that line's delimiters (" + (format == DataFormat.CSV ? "commas" : "tabs")
                        + ") and quotes; fields containing the delimiter or line breaks must be enclosed in double quotes.");
            }
            collector.add(row.cells().get(cols.textIndex()), row.cells().get(cols.labelIndex()), row.line());
        }
        List<TextExample> examples = collector.finish();
        DataSource ds = new DataSource(source.path(), source.sha256(), format, cols.columns(),
                cols.textName(), cols.labelName(), collector.skipped());
        return new TextDataset(String.valueOf(source.path().getFileName()), ds, examples);
    }
}
