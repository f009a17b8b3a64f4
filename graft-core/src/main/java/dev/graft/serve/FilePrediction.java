package dev.graft.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.GraftModel;
import dev.graft.artifact.InputFields;
import dev.graft.artifact.InputKind;
import dev.graft.artifact.Json;
import dev.graft.artifact.ModelInput;
import dev.graft.artifact.ModelOutput;
import dev.graft.data.ColumnRef;
import dev.graft.data.DataException;
import dev.graft.data.DataFormat;
import dev.graft.data.DataRows;
import dev.graft.data.TaskKind;
import dev.graft.data.image.ImageDataReader;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.io.OnExisting;
import dev.graft.util.Arguments;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Predicts every row of a data file (CSV, TSV with a header, or JSON Lines) and writes the rows with the model's outputs
 * added ({@link ModelOutput#toJson}: label, score and each class's probability; the labels over their thresholds; a
 * value; entities as JSON; an answer with its offsets; a mask's pixel counts and PNG) to a CSV, TSV or JSON Lines file, atomically: the output appears whole or not at all, and an
 * existing file is never replaced.
 */
public final class FilePrediction {

    /** Rows predicted together. */
    private static final int CHUNK = 256;
    private static final ObjectWriter COMPACT = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    /**
     * Which columns hold the inputs; {@code null} picks a default: a column named as training data's text (or image
     * path) columns usually are ({@code text}, {@code sentence}, ...; {@code path}, {@code image}, ...), else the first
     * column (for a pair's second text: the second column).
     *
     * @param text     the text, or the first text of a pair, or the question of a question-answering model (default:
     *                 a column named {@code question}, else the first)
     * @param textPair the second text of a pair, or the context of a question (default: a column named
     *                 {@code context}, else the second)
     * @param image    an image file's path (relative paths are resolved against the input file's folder)
     */
    public record Columns(String text, String textPair, String image) {
        /** Every column chosen by default. */
        public static final Columns DEFAULT = new Columns(null, null, null);
    }

    /**
     * What a run did.
     *
     * @param rows    rows predicted
     * @param columns the output's columns (CSV/TSV) or top-level fields (JSON Lines)
     * @param inputs  the column(s) read as the model's input
     */
    public record Summary(int rows, List<String> columns, List<String> inputs) {
    }

    private FilePrediction() {
    }

    /**
     * Predicts every row of {@code input} and writes {@code output}.
     *
     * @param topK      the most probable classes to add as {@code top_k} (0: none; classification only)
     * @param threshold a decision threshold replacing the model's (multi-label, two-class classification), or {@code null}
     * @throws DataException            naming the file and line of a row that cannot be read or predicted
     * @throws IllegalArgumentException when an argument does not fit the model, naming it
     * @param outputFile where to write (.csv, .tsv or .jsonl); it must not exist
     * @throws java.nio.file.FileAlreadyExistsException when {@code outputFile} exists
     */
    public static Summary predict(GraftModel model, Path input, Path outputFile, Columns columns, int topK, Double threshold,
                                  int maxLineBytes, Progress progress) throws IOException {
        Path output = outputFile;
        DataFormat outFormat = DataFormat.fromExtension(output).filter(f -> !output.toString().toLowerCase(Locale.ROOT).endsWith(".txt"))
                .orElseThrow(() -> new IllegalArgumentException(Arguments.name("outputFile") + " " + output
                        + " must end in .csv, .tsv or .jsonl (the format written)."));
        checkOptions(model, topK, threshold);
        if (Files.exists(output)) {
            throw new java.nio.file.FileAlreadyExistsException(output.toString(), null, "it exists, and Graft does not"
                    + " replace a file it may not have written: choose another " + Arguments.name("outputFile") + " or delete it");
        }
        DataRows rows = DataRows.read(input, null, maxLineBytes);
        Map<String, String> chosen = inputColumns(model.inputKind(), rows, columns);
        InputFields fields = new InputFields(chosen.getOrDefault("text", "text"), chosen.getOrDefault("text_pair", "text_pair"),
                chosen.getOrDefault("image", "image"), null, chosen.getOrDefault("question", "question"),
                chosen.getOrDefault("context", "context"));
        Path base = input.toAbsolutePath().getParent();
        List<ObjectNode> out = new ArrayList<>(rows.rows().size());
        progress.start("Predicting " + input.getFileName(), rows.rows().size());
        for (int s = 0; s < rows.rows().size(); s += CHUNK) {
            List<DataRows.Row> chunk = rows.rows().subList(s, Math.min(rows.rows().size(), s + CHUNK));
            List<ModelInput> inputs = new ArrayList<>(chunk.size());
            for (DataRows.Row r : chunk) {
                inputs.add(input(model.inputKind(), r, fields, base, rows.path()));
            }
            List<ModelOutput> predicted = predictChunk(model, inputs, chunk, rows.path());
            for (ModelOutput o : predicted) {
                out.add((threshold == null ? o : o.withThreshold(threshold)).toJson(topK));
            }
            progress.step(chunk.size());
        }
        progress.done();
        List<String> written = write(rows, out, output, outFormat);
        return new Summary(out.size(), written, List.copyOf(chosen.values()));
    }

    private static void checkOptions(GraftModel model, int topK, Double threshold) {
        if (topK < 0) {
            throw new IllegalArgumentException(Arguments.name("topK") + " must be 0 or more, got " + topK + ".");
        }
        if (topK > 0 && model.taskKind() != TaskKind.CLASSIFICATION) {
            throw new IllegalArgumentException(Arguments.name("topK") + " lists the most probable classes of a classifier;"
                    + " this model's task is " + model.taskKind().key() + ".");
        }
        if (threshold != null) {
            boolean fits = model.taskKind() == TaskKind.MULTI_LABEL
                    || model.taskKind() == TaskKind.CLASSIFICATION && model.labelNames().size() == 2;
            if (!fits) {
                throw new IllegalArgumentException(Arguments.name("threshold") + " applies to multi-label and two-class"
                        + " models; this one is a " + model.taskKind().key() + " model with " + model.labelNames().size()
                        + " outputs.");
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException(Arguments.name("threshold") + " must be a probability in [0, 1], got "
                        + threshold + ".");
            }
        }
    }

    /** The chosen input columns by role ({@code text}, {@code text_pair}, {@code image}), each checked to exist. */
    private static Map<String, String> inputColumns(InputKind kind, DataRows rows, Columns c) {
        Map<String, String> chosen = new LinkedHashMap<>();
        List<String> names = rows.columns();
        if (names.isEmpty()) {
            throw new DataException(rows.path() + " holds no rows to predict.");
        }
        switch (kind) {
            case IMAGE -> chosen.put("image", column(rows, c.image(), "imageColumn", ImageDataReader.PATH_COLUMNS, 0));
            case TEXT_PAIR -> {
                chosen.put("text", column(rows, c.text(), "textColumn", Set.copyOf(ColumnRef.KNOWN_TEXT_NAMES), 0));
                chosen.put("text_pair", column(rows, c.textPair(), "textPairColumn", Set.of("text_pair", "sentence2", "text_b"),
                        names.indexOf(chosen.get("text")) == 1 ? 0 : 1));
            }
            case QUESTION -> {
                chosen.put("question", column(rows, c.text(), "textColumn", Set.of("question"), 0));
                chosen.put("context", column(rows, c.textPair(), "textPairColumn", Set.of("context"),
                        names.indexOf(chosen.get("question")) == 1 ? 0 : 1));
            }
            default -> chosen.put("text", column(rows, c.text(), "textColumn", Set.copyOf(ColumnRef.KNOWN_TEXT_NAMES), 0));
        }
        return chosen;
    }

    private static String column(DataRows rows, String named, String argument, Set<String> known, int fallback) {
        List<String> names = rows.columns();
        if (named != null) {
            for (String n : names) {
                if (n.equals(named)) {
                    return n;
                }
            }
            for (String n : names) {
                if (n.equalsIgnoreCase(named)) {
                    return n;
                }
            }
            throw new DataException(rows.path() + " has no column '" + named + "' (" + Arguments.name(argument) + "); its columns: "
                    + String.join(", ", names) + ".");
        }
        for (String n : names) {
            if (known.contains(n.toLowerCase(Locale.ROOT))) {
                return n;
            }
        }
        if (fallback >= names.size()) {
            throw new DataException(rows.path() + " has " + names.size() + " column(s), but the model reads two texts (a pair,"
                    + " or a question and its context): name the columns with " + Arguments.name("textColumn") + " and " + Arguments.name("textPairColumn") + ".");
        }
        return names.get(fallback);
    }

    private static ModelInput input(InputKind kind, DataRows.Row r, InputFields fields, Path base, Path file) {
        try {
            ModelInput in = ModelInput.fromFields(kind, r.fields(), fields, true);
            if (in instanceof ModelInput.ImageFile f) {
                Path p = base.resolve(f.file());
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("image " + p + " does not exist");
                }
                return new ModelInput.ImageFile(p);
            }
            return in;
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": line " + r.line() + ": " + e.getMessage()
                    + ". Fix the row, or choose the input column (" + inputArgument(kind) + ").", e);
        }
    }

    private static String inputArgument(InputKind kind) {
        return switch (kind) {
            case IMAGE -> Arguments.name("imageColumn");
            case TEXT_PAIR, QUESTION -> Arguments.name("textColumn") + ", " + Arguments.name("textPairColumn");
            default -> Arguments.name("textColumn");
        };
    }

    /** Predicts a chunk; when that fails on an input (an image that does not decode), finds the row and names it. */
    private static List<ModelOutput> predictChunk(GraftModel model, List<ModelInput> inputs, List<DataRows.Row> chunk, Path file) {
        try {
            return model.predictBatch(inputs);
        } catch (DataException | IllegalArgumentException e) {
            for (int i = 0; i < inputs.size(); i++) {
                try {
                    model.predictBatch(List.of(inputs.get(i)));
                } catch (DataException | IllegalArgumentException bad) {
                    throw new DataException(file + ": line " + chunk.get(i).line() + ": " + bad.getMessage(), bad);
                }
            }
            throw e;
        }
    }

    /** Writes the rows with their outputs; returns the columns (fields) written. */
    private static List<String> write(DataRows rows, List<ObjectNode> outputs, Path output, DataFormat format) throws IOException {
        Set<String> inputColumns = new LinkedHashSet<>(rows.columns());
        List<Map<String, JsonNode>> flat = new ArrayList<>(outputs.size());
        Set<String> outColumns = new LinkedHashSet<>();
        for (ObjectNode o : outputs) {
            Map<String, JsonNode> f = format == DataFormat.JSONL ? fields(o) : flatten(o);
            Map<String, JsonNode> renamed = new LinkedHashMap<>();
            f.forEach((k, v) -> renamed.put(inputColumns.contains(k) ? "predicted_" + k : k, v));
            outColumns.addAll(renamed.keySet());
            flat.add(renamed);
        }
        List<String> header = new ArrayList<>(inputColumns);
        header.addAll(outColumns);
        AtomicFiles.writeAtomically(output, OnExisting.FAIL, stream -> {
            Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8); // flushed, not closed: AtomicFiles owns the stream
            if (format == DataFormat.JSONL) {
                for (int i = 0; i < flat.size(); i++) {
                    DataRows.Row r = rows.rows().get(i);
                    ObjectNode line = r.json() != null ? r.json().deepCopy() : Json.MAPPER.createObjectNode();
                    if (r.json() == null) {
                        r.fields().forEach(line::put);
                    }
                    flat.get(i).forEach(line::set);
                    w.write(COMPACT.writeValueAsString(line));
                    w.write('\n');
                }
            } else {
                CSVFormat csv = (format == DataFormat.CSV ? CSVFormat.RFC4180 : CSVFormat.TDF).builder().setRecordSeparator("\n")
                        .build();
                CSVPrinter p = new CSVPrinter(w, csv); // not closed: AtomicFiles owns the stream
                p.printRecord(header);
                for (int i = 0; i < flat.size(); i++) {
                    List<String> record = new ArrayList<>(header.size());
                    for (String col : inputColumns) {
                        record.add(rows.rows().get(i).fields().getOrDefault(col, ""));
                    }
                    for (String col : outColumns) {
                        JsonNode v = flat.get(i).get(col);
                        record.add(v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : COMPACT.writeValueAsString(v));
                    }
                    p.printRecord(record);
                }
                p.flush();
            }
            w.flush();
        });
        return header;
    }

    private static Map<String, JsonNode> fields(ObjectNode o) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    /**
     * One column per value for a table: an object of numbers becomes a column per key ({@code probabilities} →
     * {@code probability_<label>}), a list of strings one {@code |}-joined column, anything else its JSON text.
     */
    private static Map<String, JsonNode> flatten(ObjectNode o) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        fields(o).forEach((k, v) -> {
            if (v.isObject() && allValues(v, JsonNode::isNumber)) {
                String prefix = k.endsWith("ies") ? k.substring(0, k.length() - 3) + "y_" : k + "_";
                fields((ObjectNode) v).forEach((sub, n) -> m.put(prefix + sub, n));
            } else if (v.isArray() && allValues(v, JsonNode::isTextual)) {
                List<String> parts = new ArrayList<>();
                v.forEach(n -> parts.add(n.asText()));
                m.put(k, Json.MAPPER.getNodeFactory().textNode(parts.stream().collect(Collectors.joining("|"))));
            } else {
                m.put(k, v);
            }
        });
        return m;
    }

    private static boolean allValues(JsonNode container, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode n : container) {
            if (!test.test(n)) {
                return false;
            }
        }
        return true;
    }
}
