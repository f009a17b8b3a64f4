package dev.graft.data;

import dev.graft.util.Arguments;
import dev.graft.util.Excerpt;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads JSON Lines: each non-blank line is one JSON object. Text and label are fields chosen by
 * name (case-insensitively, also per object), defaulting to the first known names present in the first object.
 * Scalar values are used as text ({@code 1} and {@code "1"} are the same label); a one-element
 * array is unwrapped; {@code null} and missing fields count as empty. An object that holds the
 * chosen field twice (the same key twice, or two spellings such as {@code text} and {@code Text})
 * is an error naming its line. The second text of a pair comes from the field
 * {@link DataOptions#textPairColumn()} names, when it names one.
 */
final class JsonLinesParser {

    /** Refuses an object with the same key twice instead of keeping the last value silently. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonLinesParser() {
    }

    static TextDataset parse(SourceText source, DataOptions options) {
        List<ObjectNodeAt> objects = readObjects(source);
        Set<String> fields = new LinkedHashSet<>();
        for (ObjectNodeAt o : objects) {
            o.node().fieldNames().forEachRemaining(fields::add);
        }
        List<String> columns = List.copyOf(fields);
        String textField = resolve(source, columns, options.textColumn(), ColumnRef.KNOWN_TEXT_NAMES, "text");
        String labelField = resolve(source, columns, options.labelColumn(), ColumnRef.KNOWN_LABEL_NAMES, "label");
        if (textField.equals(labelField)) {
            throw new DataException(source.path() + ": text and label would both be read from field '" + Excerpt.of(textField)
                    + "'. Pass " + Arguments.name("textColumn") + " and " + Arguments.name("labelColumn") + " naming two different fields.");
        }
        String pairField = options.textPairColumn() == null ? null
                : resolve(source, columns, options.textPairColumn(), List.of(), "text pair");
        if (pairField != null && (pairField.equals(textField) || pairField.equals(labelField))) {
            throw new DataException(source.path() + ": the text pair field (textPairColumn) '" + Excerpt.of(pairField)
                    + "' is already the " + (pairField.equals(textField) ? "text" : "label") + " field. Pass"
                    + " " + Arguments.name("textPairColumn") + " naming the field of the second texts.");
        }
        ExampleCollector collector = new ExampleCollector(source.path(), options, textField, labelField, pairField);
        for (ObjectNodeAt o : objects) {
            collector.add(value(source, o, textField), pairField == null ? null : value(source, o, pairField),
                    value(source, o, labelField), o.line());
        }
        List<TextExample> examples = collector.finish();
        DataSource ds = new DataSource(source.path(), source.sha256(), DataFormat.JSONL, columns,
                textField, labelField, collector.skipped(), pairField);
        return new TextDataset(String.valueOf(source.path().getFileName()), ds, examples, options.targets());
    }

    /** A JSON object and the line it was read from. */
    record ObjectNodeAt(JsonNode node, int line) {
    }

    /** Every non-blank line of {@code source} as a JSON object; a line that is not one is refused, naming it. */
    static List<ObjectNodeAt> readObjects(SourceText source) {
        List<ObjectNodeAt> out = new ArrayList<>();
        String[] lines = source.content().split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new DataException(source.path() + ": line " + (i + 1) + " is not valid JSON ("
                        + dev.graft.util.JsonProblems.describe(e).replaceFirst(" \\(line 1, ", " (") + "). JSON Lines files need one complete JSON object per line,"
                        + " e.g. {\"text\": \"...\", \"label\": \"...\"}.", e);
            }
            if (node == null || !node.isObject()) {
                throw new DataException(source.path() + ": line " + (i + 1) + " is not a JSON object. JSON Lines"
                        + " files need one object per line, e.g. {\"text\": \"...\", \"label\": \"...\"}.");
            }
            out.add(new ObjectNodeAt(node, i + 1));
        }
        return out;
    }

    private static String resolve(SourceText source, List<String> fields, ColumnRef ref, List<String> known, String role) {
        if (ref != null && ref.isIndex()) {
            throw new DataException(source.path() + ": JSON Lines fields are chosen by name, not by index ("
                    + role + " column " + ref.index() + "). Fields available: " + Excerpt.list(fields) + ". Pass " + ColumnRef.flag(role)
                    + " NAME.");
        }
        List<ColumnRef> candidates = new ArrayList<>();
        if (ref != null) {
            candidates.add(ref);
        } else {
            known.forEach(k -> candidates.add(ColumnRef.named(k)));
        }
        for (ColumnRef c : candidates) {
            for (String f : fields) {
                if (c.matches(f)) {
                    return f;
                }
            }
        }
        if (ref != null) {
            throw new DataException(source.path() + ": " + role + " field " + ref + " not found. Fields available: "
                    + Excerpt.list(fields) + ". Pass " + ColumnRef.flag(role) + " with one of these names.");
        }
        throw new DataException(source.path() + ": no " + role + " field found. Fields available: " + Excerpt.list(fields)
                + "; recognised " + role + " field names are " + known + ". Pass " + ColumnRef.flag(role) + " NAME.");
    }

    private static String value(SourceText source, ObjectNodeAt o, String field) {
        ColumnRef ref = ColumnRef.named(field);
        List<String> matching = new ArrayList<>();
        o.node().fieldNames().forEachRemaining(name -> {
            if (ref.matches(name)) {
                matching.add(name);
            }
        });
        if (matching.size() > 1) {
            throw new DataException(source.path() + ": line " + o.line() + " has the field " + ref + " " + matching.size()
                    + " times, spelled " + Excerpt.list(matching) + " (field names are matched ignoring case). Keep one of"
                    + " them in that object.");
        }
        JsonNode v = matching.isEmpty() ? null : o.node().get(matching.get(0));
        if (v != null && v.isArray() && v.size() == 1) {
            v = v.get(0);
        }
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isContainerNode()) {
            throw new DataException(source.path() + ": line " + o.line() + ": field '" + Excerpt.of(field) + "' holds "
                    + (v.isArray() ? "a list of " + v.size() + " values" : "an object")
                    + ", but a single text value is needed (multi-label data is not supported).");
        }
        return v.asText();
    }
}
