package dev.graft.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A data file read as rows of named fields, without choosing a text or label column: for predicting over a file, where
 * every column is kept. CSV and TSV through the same parser as training data ({@link DelimitedParser}, commons-csv;
 * the first row is the header), JSON Lines through {@link JsonLinesParser}'s object reader.
 *
 * @param path    the file read
 * @param format  its format
 * @param columns the column names: the header, or for JSON Lines every field name in the order first seen
 * @param rows    the rows, in file order
 */
public record DataRows(Path path, DataFormat format, List<String> columns, List<Row> rows) {

    /**
     * One row.
     *
     * @param line   the 1-based line where it starts
     * @param fields its values by column name (a JSON value that is not a string as its JSON text; absent when missing
     *               or null)
     * @param json   the JSON object it was read from (JSON Lines), else {@code null}
     */
    public record Row(int line, Map<String, String> fields, ObjectNode json) {
    }

    /** Copies the lists. */
    public DataRows {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /**
     * Reads {@code path} as {@code format} (from the extension when {@code null}).
     *
     * @throws DataException naming the file and line of a record that cannot be read, a header with a repeated or empty
     *                       name, or a row with more fields than the header
     */
    public static DataRows read(Path path, DataFormat format, int maxLineBytes) {
        DataFormat f = format != null ? format : DataFormat.fromExtension(path).orElseThrow(() -> new DataException(
                path + " has no extension Graft reads as a table of data: name the file .csv, .tsv or .jsonl."));
        SourceText source = SourceText.read(path, maxLineBytes);
        return f == DataFormat.JSONL ? jsonLines(source) : delimited(source, f, maxLineBytes);
    }

    private static DataRows delimited(SourceText source, DataFormat format, int maxLineBytes) {
        List<RawRow> raw = DelimitedParser.parse(source, format, maxLineBytes, QuoteMode.DOUBLE);
        if (raw.isEmpty()) {
            return new DataRows(source.path(), format, List.of(), List.of());
        }
        List<String> header = raw.get(0).cells();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i).strip();
            if (h.isEmpty() || !seen.add(h)) {
                throw new DataException(source.path() + ": line " + raw.get(0).line() + ", the header, " + (h.isEmpty()
                        ? "has an empty name for column " + (i + 1) : "names column '" + h + "' twice")
                        + ". Predicting over a file keeps every column: give each one a distinct name in the first row.");
            }
        }
        List<String> columns = List.copyOf(seen);
        List<Row> rows = new ArrayList<>(raw.size() - 1);
        for (RawRow r : raw.subList(1, raw.size())) {
            if (r.cells().size() > columns.size()) {
                throw new DataException(source.path() + ": line " + r.line() + " has " + r.cells().size() + " fields but the"
                        + " header has " + columns.size() + ". A text probably holds an unquoted "
                        + (format == DataFormat.CSV ? "comma: quote the field (\"...\")." : "tab: remove it or quote the field."));
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < r.cells().size(); i++) {
                fields.put(columns.get(i), r.cells().get(i));
            }
            rows.add(new Row(r.line(), fields, null));
        }
        return new DataRows(source.path(), format, columns, rows);
    }

    private static DataRows jsonLines(SourceText source) {
        Set<String> columns = new LinkedHashSet<>();
        List<Row> rows = new ArrayList<>();
        for (JsonLinesParser.ObjectNodeAt o : JsonLinesParser.readObjects(source)) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.node().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                columns.add(e.getKey());
                JsonNode v = e.getValue();
                if (!v.isNull()) {
                    fields.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
                }
            }
            rows.add(new Row(o.line(), fields, (ObjectNode) o.node()));
        }
        return new DataRows(source.path(), DataFormat.JSONL, List.copyOf(columns), rows);
    }
}
