package dev.graft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Seeded generators of bad inputs for {@link CliFuzzTest}: each one starts from a small valid seed (a labelled data
 * file, a folder of class folders, a model directory, an ONNX file) and applies one fault. Everything is a function of
 * the {@link Random} passed in, so a case is replayed by recreating its {@code Random}.
 *
 * <p>Each generated input says whether it is <em>certainly</em> invalid for the use it is made for; faults that may
 * leave the input valid (a byte flip inside a word, a BOM) say so, and the test then accepts success as well as a clean
 * failure.
 */
final class BadInputs {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The classes of the generated data; the fixture model knows the first two. */
    static final List<String> CLASSES = List.of("sports", "food", "tech");
    private static final Map<String, List<String>> WORDS = Map.of(
            "sports", List.of("team", "match", "goal", "coach", "striker", "referee", "league", "race", "medal", "stadium"),
            "food", List.of("cake", "soup", "garlic", "pasta", "oven", "recipe", "butter", "salad", "flour", "curry"),
            "tech", List.of("laptop", "server", "update", "router", "keyboard", "database", "driver", "app", "network", "patch"));
    private static final List<String> FILLER = List.of("the", "a", "our", "my", "this", "new", "old", "with", "for", "and");

    private BadInputs() {
    }

    // ---------------------------------------------------------------- labelled text data

    /** Where a labelled data file is used: it decides which faults certainly make it invalid. */
    enum Role {
        /** {@code train --train F --val F}: every class must appear, at least two classes. */
        TRAIN,
        /** {@code train --train GOOD --val F}, {@code evaluate --data F}: labels must be known, one class is fine. */
        LABELLED_EVAL
    }

    /** Faults of labelled text data. */
    enum TextFault {
        NONE, BYTE_FLIPS, TRUNCATED, NUL_BYTES, EXTRA_FIELDS, MISSING_FIELD, UNBALANCED_QUOTE, UTF8_BOM, UTF16, LATIN1, LONG_LINE,
        LONG_LABEL, HUGE_HEADER, ENDLESS_LINE, DUPLICATE_HEADER, EMPTY_HEADER_CELL, EMPTY_FILE, HEADER_ONLY, BLANK_LINES_ONLY,
        SINGLE_CLASS, WHITESPACE_LABELS, UNSEEN_LABEL, CONTROL_CHARS, MIXED_LINE_ENDINGS, CR_ONLY_LINE_ENDINGS, MANY_COLUMNS,
        QUOTED_NEWLINES, FORMAT_MISMATCH, JSON_NOT_OBJECT, JSON_WRONG_TYPES, JSON_DEEP_NESTING, JSON_DUPLICATE_KEYS
    }

    /** A generated file: name (its extension picks the format), bytes, the fault and whether it is certainly invalid. */
    record DataFile(String name, byte[] bytes, String fault, boolean invalid) {
        Path writeTo(Path dir) throws IOException {
            return Files.write(dir.resolve(name), bytes);
        }
    }

    /** A small table: header and rows of cells (rows may be shorter or longer than the header). */
    private record Table(List<String> header, List<List<String>> rows) {
    }

    /** Rows of short texts, {@code perClass} of each of the first {@code classes} classes, interleaved. */
    static List<String[]> goodRows(Random r, int perClass, int classes) {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < classes; c++) {
                rows.add(new String[] {sentence(r, CLASSES.get(c)), CLASSES.get(c)});
            }
        }
        return rows;
    }

    /** A few words, mostly of {@code label}'s vocabulary. */
    static String sentence(Random r, String label) {
        List<String> words = WORDS.get(label);
        int n = 4 + r.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(i % 2 == 0 ? FILLER.get(r.nextInt(FILLER.size())) : words.get(r.nextInt(words.size())));
        }
        return sb.toString();
    }

    /** A CSV file with a text,label header. */
    static byte[] csv(List<String[]> rows) {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (String[] row : rows) {
            sb.append(row[0]).append(',').append(row[1]).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A labelled data file for {@code role} with one fault (sometimes none). */
    static DataFile textData(Random r, Role role) {
        String ext = pick(r, "csv", "csv", "csv", "tsv", "tsv", "jsonl", "jsonl", "jsonl", "txt", "");
        boolean jsonl = ext.equals("jsonl");
        String name = "data" + (ext.isEmpty() ? "" : "." + ext);
        char delim = ext.equals("csv") ? ',' : '\t';
        TextFault fault = TextFault.values()[r.nextInt(TextFault.values().length)];
        if (jsonl && (fault == TextFault.HEADER_ONLY || fault == TextFault.EMPTY_HEADER_CELL)) {
            fault = TextFault.BLANK_LINES_ONLY;
        }
        if (!jsonl && fault.name().startsWith("JSON_")) {
            fault = TextFault.QUOTED_NEWLINES;
        }
        if (!jsonl && fault == TextFault.FORMAT_MISMATCH && !ext.equals("csv")) {
            fault = TextFault.NONE;
        }
        List<String[]> good = goodRows(r, 4 + r.nextInt(3), role == Role.TRAIN ? 2 + r.nextInt(2) : 2);
        Table t = new Table(new ArrayList<>(List.of("text", "label")), new ArrayList<>());
        for (String[] g : good) {
            t.rows().add(new ArrayList<>(List.of(g[0], g[1])));
        }
        int row = r.nextInt(t.rows().size());
        boolean invalid = false;
        byte[] bytes;
        String detail = "";
        switch (fault) {
            case MISSING_FIELD -> {
                t.rows().get(row).remove(1);
                invalid = true;
            }
            case EXTRA_FIELDS -> {
                for (List<String> cells : t.rows()) {
                    if (r.nextInt(3) == 0) {
                        cells.add(r.nextBoolean() ? "extra" : "");
                    }
                }
                t.rows().get(row).add("x");
            }
            case DUPLICATE_HEADER -> {
                int col = r.nextInt(2);
                t.header().add(col, t.header().get(col));
                if (r.nextBoolean()) {
                    for (List<String> cells : t.rows()) {
                        cells.add(col, cells.get(col));
                    }
                }
                detail = String.join("|", t.header());
            }
            case EMPTY_HEADER_CELL -> {
                int col = r.nextInt(3);
                if (col < 2) {
                    t.header().set(col, "");
                } else {
                    t.header().add("");
                }
                detail = String.join("|", t.header());
            }
            case SINGLE_CLASS -> {
                for (List<String> cells : t.rows()) {
                    cells.set(1, CLASSES.get(0));
                }
                invalid = role == Role.TRAIN;
            }
            case WHITESPACE_LABELS -> {
                for (List<String> cells : t.rows()) {
                    cells.set(1, " ".repeat(1 + r.nextInt(3)));
                }
                invalid = true;
            }
            case UNSEEN_LABEL -> {
                t.rows().get(row).set(1, "weather");
                invalid = role == Role.LABELLED_EVAL;
            }
            case LONG_LINE -> {
                int kb = 128 + r.nextInt(512); // tokenized whole (about 7 s per MB): kept under 1 MB so that the case stays cheap
                t.rows().get(row).set(0, words(r, kb << 10));
                detail = kb + " KB text";
            }
            case LONG_LABEL -> {
                // a training run with a label of 1-2 MB took 25-55 s (a 1 MB cell of text: 7 s): kept to 64-256 KB
                t.rows().get(row).set(1, "l".repeat((64 + r.nextInt(192)) << 10));
                invalid = role == Role.LABELLED_EVAL; // a label the model never saw
            }
            case HUGE_HEADER -> {
                int mb = 2 + r.nextInt(3);
                t.header().add("h".repeat(mb << 20));
                detail = mb + " MB header cell";
            }
            case MANY_COLUMNS -> {
                int n = 2000 + r.nextInt(3000);
                for (int i = 0; i < n; i++) {
                    t.header().add("c" + i);
                }
                for (List<String> cells : t.rows()) {
                    for (int i = 0; i < n; i++) {
                        cells.add(Integer.toString(i));
                    }
                }
                detail = n + " extra columns";
            }
            case CONTROL_CHARS -> {
                String[] nasty = {"\u0001", "\u001b[31m", "\u2028", "\u202e", "\u0000", "\ufeff", "\ud83d\ude00", "\u00a0", "\u000b"};
                for (int i = 0; i < 3; i++) {
                    List<String> cells = t.rows().get(r.nextInt(t.rows().size()));
                    int col = r.nextInt(2);
                    String s = cells.get(col);
                    int at = r.nextInt(s.length() + 1);
                    cells.set(col, s.substring(0, at) + pick(r, nasty) + s.substring(at));
                }
            }
            case QUOTED_NEWLINES -> t.rows().get(row).set(0, "line one\nline two, with a comma and \"quotes\"");
            default -> {
            }
        }
        bytes = jsonl ? jsonl(t, r, fault) : delimited(t, delim);
        switch (fault) {
            case BYTE_FLIPS -> {
                int n = 1 + r.nextInt(5);
                bytes = flipBytes(r, bytes, n);
                detail = n + " bytes";
            }
            case TRUNCATED -> {
                int at = 1 + r.nextInt(bytes.length - 1);
                bytes = Arrays.copyOf(bytes, at);
                detail = "at " + at + " of " + bytes.length;
            }
            case NUL_BYTES -> bytes = insertAt(r, bytes, new byte[1 + r.nextInt(3)]);
            case UNBALANCED_QUOTE -> {
                if (jsonl) {
                    // drop the quote that closes the first value on a data line: certainly not JSON any more
                    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
                    int li = r.nextInt(Math.max(1, lines.length - 1));
                    int colon = lines[li].indexOf("\": \"");
                    int close = colon < 0 ? -1 : lines[li].indexOf('"', colon + 4);
                    if (close > 0) {
                        lines[li] = lines[li].substring(0, close) + lines[li].substring(close + 1);
                        invalid = true;
                    }
                    bytes = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
                } else {
                    String s = new String(bytes, StandardCharsets.UTF_8);
                    int nl = nthIndexOf(s, '\n', 1 + r.nextInt(t.rows().size()));
                    bytes = (s.substring(0, nl + 1) + "\"" + s.substring(nl + 1)).getBytes(StandardCharsets.UTF_8);
                }
            }
            case UTF8_BOM -> bytes = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes);
            case UTF16 -> {
                boolean le = r.nextBoolean();
                boolean bom = r.nextBoolean();
                String s = new String(bytes, StandardCharsets.UTF_8);
                bytes = concat(bom ? (le ? new byte[] {(byte) 0xFF, (byte) 0xFE} : new byte[] {(byte) 0xFE, (byte) 0xFF}) : new byte[0],
                        s.getBytes(le ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE));
                detail = (le ? "LE" : "BE") + (bom ? " with BOM" : " without BOM");
            }
            case LATIN1 -> {
                // "Café " in ISO-8859-1 inside a text: 0xE9 then a space is never UTF-8
                String s = new String(bytes, StandardCharsets.UTF_8);
                int nl = nthIndexOf(s, '\n', jsonl ? 0 : 1);
                int at = jsonl ? s.indexOf("\"text\": \"", Math.max(0, nl)) + 9 : nl + 1;
                bytes = concat(concat(Arrays.copyOf(bytes, at), "Caf\u00e9 ".getBytes(StandardCharsets.ISO_8859_1)),
                        Arrays.copyOfRange(bytes, at, bytes.length));
                invalid = true;
            }
            case ENDLESS_LINE -> {
                int mb = 2 + r.nextInt(3);
                byte[] endless = (jsonl ? "{\"text\": \"" : "").concat("a".repeat(mb << 20)).getBytes(StandardCharsets.US_ASCII);
                bytes = r.nextBoolean() ? endless : concat(bytes, endless);
                detail = mb + " MB without a line break";
                invalid = true;
            }
            case EMPTY_FILE -> {
                bytes = r.nextBoolean() ? new byte[0] : new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
                invalid = true;
            }
            case HEADER_ONLY -> {
                bytes = (String.join(String.valueOf(delim), t.header()) + (r.nextBoolean() ? "\n" : "")).getBytes(StandardCharsets.UTF_8);
                invalid = true;
            }
            case BLANK_LINES_ONLY -> {
                bytes = "\n \n\r\n\t\n".getBytes(StandardCharsets.UTF_8);
                invalid = true;
            }
            case MIXED_LINE_ENDINGS -> bytes = new String(bytes, StandardCharsets.UTF_8).replaceFirst("\n", "\r\n").replaceFirst("\n(?=[^\n]*\n[^\n]*$)", "\r")
                    .getBytes(StandardCharsets.UTF_8);
            case CR_ONLY_LINE_ENDINGS -> bytes = new String(bytes, StandardCharsets.UTF_8).replace('\n', '\r').getBytes(StandardCharsets.UTF_8);
            case FORMAT_MISMATCH -> {
                if (jsonl) {
                    bytes = delimited(t, ','); // CSV in a .jsonl file
                    invalid = true;
                } else {
                    bytes = jsonl(t, r, TextFault.NONE); // JSON Lines in a .csv file
                }
            }
            case JSON_NOT_OBJECT -> {
                String other = pick(r, "[1, 2]", "\"just a string\"", "42", "null", "true", "{\"text\": ", "}{", "{\"text\" \"x\"}");
                bytes = replaceLine(bytes, row, other);
                detail = other;
                invalid = true;
            }
            case JSON_WRONG_TYPES -> {
                String value = pick(r, "123", "true", "null", "[\"a\", \"b\"]", "{\"a\": 1}", "1e400", "-0");
                String line = r.nextBoolean() ? "{\"text\": " + value + ", \"label\": \"" + CLASSES.get(0) + "\"}"
                        : "{\"text\": \"some words here\", \"label\": " + value + "}";
                bytes = replaceLine(bytes, row, line);
                detail = line;
            }
            case JSON_DEEP_NESTING -> {
                int depth = 2000 + r.nextInt(20000);
                String line = "{\"text\": " + "[".repeat(depth) + "]".repeat(depth) + ", \"label\": \"" + CLASSES.get(0) + "\"}";
                bytes = replaceLine(bytes, row, line);
                detail = "depth " + depth;
            }
            case JSON_DUPLICATE_KEYS -> bytes = replaceLine(bytes, row, "{\"text\": \"first words\", \"text\": \"second words\", \"label\": \""
                    + CLASSES.get(0) + "\", \"label\": \"" + CLASSES.get(1) + "\"}");
            default -> {
            }
        }
        return new DataFile(name, bytes, "text " + (ext.isEmpty() ? "(no extension)" : ext) + " " + fault
                + (detail.isEmpty() || detail.length() > 80 ? "" : " [" + detail + "]"), invalid);
    }

    private static byte[] delimited(Table t, char delim) {
        StringBuilder sb = new StringBuilder();
        appendRow(sb, t.header(), delim);
        for (List<String> cells : t.rows()) {
            appendRow(sb, cells, delim);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendRow(StringBuilder sb, List<String> cells, char delim) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            if (i > 0) {
                sb.append(delim);
            }
            if (c.indexOf(delim) >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        sb.append('\n');
    }

    private static byte[] jsonl(Table t, Random r, TextFault fault) {
        StringBuilder sb = new StringBuilder();
        for (List<String> cells : t.rows()) {
            ObjectNode o = JSON.createObjectNode();
            for (int i = 0; i < cells.size(); i++) {
                String key = i < t.header().size() ? t.header().get(i) : "extra_" + i;
                o.put(key, cells.get(i));
            }
            String line = o.toString();
            // ObjectNode writes "k":"v"; the UNBALANCED_QUOTE and LATIN1 faults look for `": "`
            sb.append(line.replace("\":\"", "\": \"")).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Space-separated words, about {@code length} characters. */
    static String words(Random r, int length) {
        StringBuilder sb = new StringBuilder(length + 16);
        List<String> all = WORDS.get(CLASSES.get(r.nextInt(2)));
        while (sb.length() < length) {
            sb.append(all.get(r.nextInt(all.size()))).append(' ');
        }
        return sb.toString().strip();
    }

    // ---------------------------------------------------------------- predict input

    /** Faults of {@code predict --input} files. */
    enum InputFault {
        NONE, INVALID_UTF8, INVALID_UTF8_LATE, UTF16, NUL_BYTES, LONG_LINE, BLANK_ONLY, EMPTY, CONTROL_CHARS, CR_ONLY, BYTE_FLIPS,
        MANY_LINES, DIRECTORY, MISSING, STDIN
    }

    /** A generated {@code predict} input: the fault, the file's bytes (or stdin text) and whether it is certainly invalid. */
    record Input(InputFault fault, byte[] bytes, boolean invalid, String detail) {
    }

    static Input predictInput(Random r) {
        InputFault fault = InputFault.values()[r.nextInt(InputFault.values().length)];
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3 + r.nextInt(5); i++) {
            lines.add(sentence(r, CLASSES.get(r.nextInt(3))));
        }
        String text = String.join("\n", lines) + "\n";
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return switch (fault) {
            case NONE, DIRECTORY, MISSING -> new Input(fault, b, fault != InputFault.NONE, "");
            case STDIN -> new Input(fault, (text + pick(r, "", "\r\n", "\u2028", "\t \n")).getBytes(StandardCharsets.UTF_8), false, "");
            case INVALID_UTF8 -> new Input(fault, insertAt(r, b, new byte[] {(byte) pickInt(r, 0xE9, 0xFF, 0xC3, 0x80, 0xED)}), true, "");
            case INVALID_UTF8_LATE -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 300; i++) {
                    sb.append("line ").append(i).append('\n');
                }
                yield new Input(fault, concat(sb.toString().getBytes(StandardCharsets.UTF_8), new byte[] {'x', (byte) 0xFF, '\n'}), true,
                        "line 301");
            }
            case UTF16 -> new Input(fault, concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE)), false,
                    "LE with BOM");
            case NUL_BYTES -> new Input(fault, insertAt(r, b, new byte[1 + r.nextInt(3)]), false, "");
            case LONG_LINE -> new Input(fault, concat(b, (words(r, (128 + r.nextInt(512)) << 10) + "\n").getBytes(StandardCharsets.UTF_8)),
                    false, "");
            case BLANK_ONLY -> new Input(fault, "\n  \n\r\n\t\n".getBytes(StandardCharsets.UTF_8), false, "");
            case EMPTY -> new Input(fault, new byte[0], false, "");
            case CONTROL_CHARS -> new Input(fault, (text + "\u001b[2J\u0007bell\u202ereversed\u0000nul\n").getBytes(StandardCharsets.UTF_8),
                    false, "");
            case CR_ONLY -> new Input(fault, text.replace('\n', '\r').getBytes(StandardCharsets.UTF_8), false, "");
            case BYTE_FLIPS -> new Input(fault, flipBytes(r, b, 1 + r.nextInt(4)), false, "");
            case MANY_LINES -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < 260; i++) {
                    sb.append("item ").append(i).append(' ').append(sentence(r, "tech")).append('\n');
                }
                yield new Input(fault, sb.toString().getBytes(StandardCharsets.UTF_8), false, "260 lines");
            }
        };
    }

    // ---------------------------------------------------------------- images

    /** Faults of image training data. */
    enum ImageFault {
        NONE, TRUNCATED_PNG, GARBAGE_PNG, ZERO_BYTE, HUGE_IHDR, HUGE_IHDR_WITH_DATA, ALL_HUGE, EMPTY_CLASS_FOLDER, SINGLE_CLASS,
        ALL_UNREADABLE, WRONG_EXTENSION, HIDDEN_ONLY_CLASS, CSV_LIST, CSV_HEADER_ONLY, DEEP_NESTING, NO_IMAGES
    }

    /**
     * Writes a folder of class folders under {@code root} with one fault; returns a description and the path to pass as
     * {@code --train} (the folder, or a CSV list of images).
     */
    static Map.Entry<String, Path> imageData(Random r, Path root) throws IOException {
        ImageFault fault = ImageFault.values()[r.nextInt(ImageFault.values().length)];
        Path data = root.resolve("images");
        List<String> classes = new ArrayList<>(List.of("dark", "light"));
        if (r.nextInt(3) == 0) {
            classes.add("grey");
        }
        List<Path> images = new ArrayList<>();
        for (String c : classes) {
            Path d = Files.createDirectories(data.resolve(c));
            for (int i = 0; i < 3; i++) {
                Path f = d.resolve(c + i + ".png");
                Files.write(f, png(r, 4 + r.nextInt(12), 4 + r.nextInt(12)));
                images.add(f);
            }
        }
        Path victim = images.get(r.nextInt(images.size()));
        String detail = data.relativize(victim).toString();
        Path train = data;
        switch (fault) {
            case TRUNCATED_PNG -> {
                byte[] b = Files.readAllBytes(victim);
                replace(victim, Arrays.copyOf(b, 1 + r.nextInt(b.length - 1)));
            }
            case GARBAGE_PNG -> {
                byte[] g = new byte[1 + r.nextInt(4096)];
                r.nextBytes(g);
                replace(victim, r.nextBoolean() ? g : concat(Arrays.copyOf(Files.readAllBytes(victim), 16), g));
            }
            case ZERO_BYTE -> replace(victim, new byte[0]);
            case HUGE_IHDR, HUGE_IHDR_WITH_DATA -> {
                int[] dims = hugeDimensions(r);
                replace(victim, pngHeader(dims[0], dims[1], fault == ImageFault.HUGE_IHDR_WITH_DATA, r));
                detail += " " + Integer.toUnsignedString(dims[0]) + "x" + Integer.toUnsignedString(dims[1]);
            }
            case ALL_HUGE -> {
                int[] dims = hugeDimensions(r);
                for (Path p : images) {
                    replace(p, pngHeader(dims[0], dims[1], r.nextBoolean(), r));
                }
                detail = Integer.toUnsignedString(dims[0]) + "x" + Integer.toUnsignedString(dims[1]);
            }
            case EMPTY_CLASS_FOLDER -> {
                Files.createDirectories(data.resolve(r.nextBoolean() ? "empty" : "zz-empty"));
                if (r.nextBoolean()) {
                    try (var files = Files.list(data.resolve(classes.get(0)))) {
                        for (Path p : files.toList()) {
                            Files.delete(p);
                        }
                    }
                    detail = "and " + classes.get(0) + " emptied";
                } else {
                    detail = "";
                }
            }
            case SINGLE_CLASS -> {
                for (String c : classes.subList(1, classes.size())) {
                    deleteTree(data.resolve(c));
                }
                detail = "";
            }
            case ALL_UNREADABLE -> {
                for (Path p : images) {
                    byte[] g = new byte[r.nextInt(64)];
                    r.nextBytes(g);
                    replace(p, g);
                }
                detail = "";
            }
            case WRONG_EXTENSION -> {
                Path renamed = victim.resolveSibling(victim.getFileName().toString().replace(".png", pick(r, ".jpg", ".jpeg", ".bmp", ".gif")));
                Files.move(victim, renamed);
                detail = data.relativize(renamed).toString();
            }
            case HIDDEN_ONLY_CLASS -> {
                Path d = Files.createDirectories(data.resolve("hidden"));
                Files.write(d.resolve(".secret.png"), png(r, 4, 4));
                Files.write(d.resolve(".DS_Store"), new byte[] {0, 0, 0, 1});
                detail = "";
            }
            case CSV_LIST -> {
                StringBuilder sb = new StringBuilder("path,label\n");
                for (Path p : images) {
                    sb.append(data.relativize(p)).append(',').append(p.getParent().getFileName()).append('\n');
                }
                String bad = pick(r, "../../outside.png", "/etc/passwd", "missing.png", "dark", "", "dark/../../../../etc/hostname");
                sb.append(bad).append(",dark\n");
                train = Files.writeString(data.resolve("list.csv"), sb.toString());
                detail = "row " + bad;
            }
            case CSV_HEADER_ONLY -> {
                train = Files.writeString(data.resolve("list.csv"), "path,label\n");
                detail = "";
            }
            case DEEP_NESTING -> {
                Path deep = Files.createDirectories(victim.getParent().resolve("a/b/c/d/e"));
                Files.move(victim, deep.resolve(victim.getFileName()));
            }
            case NO_IMAGES -> {
                for (Path p : images) {
                    Files.move(p, p.resolveSibling(p.getFileName() + ".txt"));
                }
                detail = "";
            }
            default -> detail = "";
        }
        return Map.entry("images " + fault + (detail.isEmpty() ? "" : " [" + detail + "]"), train);
    }

    private static int[] hugeDimensions(Random r) {
        int[][] options = {{65535, 65535}, {100_000, 100_000}, {Integer.MAX_VALUE, 1}, {1, Integer.MAX_VALUE}, {20_000, 20_000},
                {0, 0}, {-1, -1}, {46341, 46341}, {1 << 30, 1 << 30}, {26_000, 26_000}};
        return options[r.nextInt(options.length)];
    }

    /** A small, valid RGB PNG of random colour. */
    static byte[] png(Random r, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int base = r.nextInt(0xFFFFFF);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, base ^ (r.nextInt(32) * 0x010101));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A PNG written by hand whose IHDR claims {@code width} x {@code height} (8-bit RGB), with correct CRCs; with
     * {@code withData}, an IDAT holding a little deflated data (far less than the dimensions need), then IEND.
     */
    static byte[] pngHeader(int width, int height, boolean withData, Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).order(ByteOrder.BIG_ENDIAN);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        if (withData) {
            byte[] raw = new byte[4096 + r.nextInt(4096)];
            Deflater d = new Deflater();
            d.setInput(raw);
            d.finish();
            byte[] buf = new byte[raw.length + 64];
            int n = d.deflate(buf);
            d.end();
            chunk(out, "IDAT", Arrays.copyOf(buf, n));
        }
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    // ---------------------------------------------------------------- model directories

    /** A fault applied to a copy of a model directory, and whether it certainly makes the model unusable. */
    record ModelFault(String what, boolean invalid) {
    }

    /** Fields {@code TextClassifier.load} cannot do without. */
    private static final List<String> REQUIRED = List.of("format", "format_version", "backbone", "head", "labels", "backbone.directory",
            "backbone.sha256", "head.input_dim", "head.num_classes", "head.file");
    /** Numbers read into Java primitives: null is refused (FAIL_ON_NULL_FOR_PRIMITIVES). */
    private static final List<String> PRIMITIVE = List.of("format_version", "backbone.max_length", "head.input_dim", "head.num_classes",
            "head.hidden_units", "head.dropout");
    /** The manifest's keys (snake_case, as Json.MAPPER writes them). */
    private static final List<String> FIELDS = List.of("format", "format_version", "task", "strategy", "backbone", "head", "labels",
            "backbone.id", "backbone.sha256", "backbone.max_length", "backbone.pooling", "backbone.license", "backbone.directory",
            "head.input_dim", "head.num_classes", "head.hidden_units", "head.dropout", "head.file");

    /**
     * Damages the trained text model copied to {@code model} (its big files may be hard links to the fixture's: files are
     * replaced, never written in place). Paths that escape the copy point at {@code elsewhere}, the fixture model.
     */
    static ModelFault damageModel(Random r, Path model, Path elsewhere) throws IOException {
        model = model.toAbsolutePath();
        Path manifest = model.resolve("graft-model.json");
        // keys are snake_case (Json.MAPPER); a wrong name would silently test nothing, hence the check below
        ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
        int numClasses = m.path("head").path("num_classes").asInt();
        for (String f : FIELDS) {
            if (get(m, f).isMissingNode()) {
                throw new IllegalStateException("the fixture's manifest has no '" + f + "': " + m);
            }
        }
        int choice = r.nextInt(22);
        switch (choice) {
            case 0, 1 -> {
                String field = pick(r, FIELDS.toArray(String[]::new));
                remove(m, field);
                writeJson(manifest, m);
                return new ModelFault("manifest without " + field, REQUIRED.contains(field));
            }
            case 2, 3 -> {
                String field = pick(r, FIELDS.toArray(String[]::new));
                JsonNode old = get(m, field);
                JsonNode wrong = old.isContainerNode() ? pickNode(r, JsonNodeFactory.instance.textNode("x"),
                        JsonNodeFactory.instance.numberNode(7), JsonNodeFactory.instance.booleanNode(true))
                        : pickNode(r, JSON.createArrayNode().add(1).add(2), JSON.createObjectNode().put("a", 1)); // [x] would unwrap
                set(m, field, wrong);
                writeJson(manifest, m);
                return new ModelFault("manifest " + field + " = " + wrong, true);
            }
            case 4 -> {
                String field = pick(r, FIELDS.toArray(String[]::new));
                set(m, field, JsonNodeFactory.instance.nullNode());
                writeJson(manifest, m);
                return new ModelFault("manifest " + field + " = null", REQUIRED.contains(field) || PRIMITIVE.contains(field));
            }
            case 5, 6 -> {
                String field = r.nextBoolean() ? "backbone.directory" : "head.file";
                Path target = field.equals("head.file") ? elsewhere.resolve("head.safetensors") : elsewhere.resolve("backbone");
                String value = pick(r, "..", model.relativize(target.toAbsolutePath()).toString().replace('\\', '/'),
                        target.toAbsolutePath().toString(), "", ".", "backbone/../../" + target.getFileName(), "../../../../../../etc");
                set(m, field, JsonNodeFactory.instance.textNode(value));
                writeJson(manifest, m);
                return new ModelFault("manifest " + field + " escapes: '" + value + "'", true);
            }
            case 7, 8 -> {
                ArrayNode labels = JSON.createArrayNode();
                int n = pickInt(r, 0, 1, numClasses + 1, numClasses + 5);
                for (int i = 0; i < n; i++) {
                    labels.add("label" + i);
                }
                m.set("labels", labels);
                writeJson(manifest, m);
                return new ModelFault("manifest with " + n + " labels for a " + numClasses + "-class head", true);
            }
            case 9 -> {
                ArrayNode labels = JSON.createArrayNode();
                String l = pick(r, "dup", "", " ");
                for (int i = 0; i < numClasses; i++) {
                    labels.add(l);
                }
                m.set("labels", labels);
                writeJson(manifest, m);
                return new ModelFault("manifest labels all '" + l + "'", false);
            }
            case 10, 11 -> {
                String field = pick(r, "head.input_dim", "head.num_classes", "head.hidden_units", "format_version", "backbone.max_length",
                        "head.dropout");
                long value = pickLong(r, 0L, -1L, Integer.MAX_VALUE, 1L << 20, 3L, Integer.MIN_VALUE);
                JsonNode old = get(m, field);
                set(m, field, field.equals("head.dropout") ? JsonNodeFactory.instance.numberNode((double) value)
                        : JsonNodeFactory.instance.numberNode(value));
                writeJson(manifest, m);
                boolean changed = old.asLong() != value;
                boolean invalid = changed && !field.equals("backbone.max_length") && !field.equals("head.dropout");
                return new ModelFault("manifest " + field + " = " + value, invalid);
            }
            case 12 -> {
                byte[] b = Files.readAllBytes(manifest);
                String s = new String(b, StandardCharsets.UTF_8);
                int cut = 1 + r.nextInt(Math.max(1, s.lastIndexOf('}') - 1));
                replace(manifest, Arrays.copyOf(b, cut));
                return new ModelFault("manifest truncated at " + cut, true);
            }
            case 13 -> {
                byte[] b = Files.readAllBytes(manifest);
                replace(manifest, flipBytes(r, b, 1 + r.nextInt(4)));
                return new ModelFault("manifest with flipped bytes", false);
            }
            case 14 -> {
                String what = pick(r, "empty", "directory", "huge", "deep");
                switch (what) {
                    case "empty" -> replace(manifest, new byte[0]);
                    case "directory" -> {
                        Files.delete(manifest);
                        Files.createDirectory(manifest);
                    }
                    case "huge" -> {
                        m.put("padding", "p".repeat((3 + r.nextInt(3)) << 20));
                        writeJson(manifest, m);
                    }
                    default -> {
                        int depth = 5000 + r.nextInt(50_000);
                        String s = JSON.writeValueAsString(m);
                        replace(manifest, (s.substring(0, s.length() - 1) + ", \"deep\": " + "[".repeat(depth) + "]".repeat(depth) + "}")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
                return new ModelFault("manifest " + what, what.equals("empty") || what.equals("directory"));
            }
            case 15, 16, 17 -> {
                Path head = model.resolve(m.path("head").path("file").asText("head.safetensors"));
                ModelFault f = damageSafetensors(r, head);
                return new ModelFault("head.safetensors " + f.what(), f.invalid());
            }
            case 18 -> {
                Path onnx = model.resolve("backbone/model.onnx");
                byte[] start;
                try (var in = Files.newInputStream(onnx)) {
                    start = in.readNBytes(1 + r.nextInt(1 << 16));
                }
                replace(onnx, start);
                return new ModelFault("backbone/model.onnx truncated to " + start.length + " bytes", true);
            }
            case 19 -> {
                Path tok = model.resolve("backbone/tokenizer.json");
                byte[] b = Files.readAllBytes(tok);
                boolean truncate = r.nextBoolean();
                replace(tok, truncate ? Arrays.copyOf(b, r.nextInt(b.length / 2)) : flipBytes(r, b, 3));
                return new ModelFault("backbone/tokenizer.json " + (truncate ? "truncated" : "with flipped bytes"), truncate);
            }
            case 20 -> {
                Path meta = model.resolve("backbone/backbone.json");
                ObjectNode b = Files.isRegularFile(meta) ? (ObjectNode) JSON.readTree(meta.toFile()) : JSON.createObjectNode();
                String field = pick(r, "pooling", "max_length", "sha256", "id");
                JsonNode value = pickNode(r, JsonNodeFactory.instance.textNode("bogus"), JsonNodeFactory.instance.numberNode(-1),
                        JsonNodeFactory.instance.numberNode(Integer.MAX_VALUE), JSON.createArrayNode(), JsonNodeFactory.instance.nullNode());
                b.set(field, value);
                writeJson(meta, b);
                return new ModelFault("backbone/backbone.json " + field + " = " + value, false);
            }
            default -> {
                String gone = pick(r, "backbone/model.onnx", "backbone/tokenizer.json", "head.safetensors", "backbone");
                deleteTree(model.resolve(gone));
                return new ModelFault("without " + gone, true);
            }
        }
    }

    /** Damages a safetensors file: truncation, a wrong header length, a fuzzed header. */
    static ModelFault damageSafetensors(Random r, Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int choice = r.nextInt(6);
        switch (choice) {
            case 0 -> {
                int cut = r.nextInt(b.length - 1);
                replace(file, Arrays.copyOf(b, cut));
                return new ModelFault("truncated to " + cut + " of " + b.length + " bytes", true);
            }
            case 1 -> {
                long len = pickLong(r, Long.MAX_VALUE, -1L, 1L << 40, (long) b.length, 0L, 1L << 31, n + 1);
                byte[] c = b.clone();
                ByteBuffer.wrap(c, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(len);
                replace(file, c);
                return new ModelFault("header length " + len, true);
            }
            case 2 -> {
                byte[] c = b.clone();
                for (int i = 0; i < 1 + r.nextInt(4); i++) {
                    c[8 + r.nextInt((int) n)] ^= (byte) (1 + r.nextInt(255));
                }
                replace(file, c);
                return new ModelFault("header with flipped bytes", false);
            }
            case 3 -> {
                byte[] c = b.clone();
                for (int i = 8; i < 8 + n; i++) {
                    c[i] = (byte) ('!' + r.nextInt(90));
                }
                replace(file, c);
                return new ModelFault("header not JSON", true);
            }
            default -> {
                ObjectNode h = (ObjectNode) JSON.readTree(new String(b, 8, (int) n, StandardCharsets.UTF_8));
                List<String> names = new ArrayList<>();
                h.fieldNames().forEachRemaining(k -> {
                    if (!k.equals("__metadata__")) {
                        names.add(k);
                    }
                });
                String name = names.get(r.nextInt(names.size()));
                ObjectNode t = (ObjectNode) h.get(name);
                String what;
                switch (r.nextInt(6)) {
                    case 0 -> {
                        String dtype = pick(r, "X9", "", "F64x", "BOOLEAN");
                        t.put("dtype", dtype);
                        what = name + " dtype " + dtype;
                    }
                    case 1 -> {
                        ArrayNode shape = JSON.createArrayNode();
                        for (long d : pick(r, new long[] {-1}, new long[] {1L << 40, 1L << 40}, new long[] {0}, new long[] {Integer.MAX_VALUE, 2},
                                new long[] {3, 5, 7})) {
                            shape.add(d);
                        }
                        t.set("shape", shape);
                        what = name + " shape " + shape;
                    }
                    case 2 -> {
                        ArrayNode off = JSON.createArrayNode();
                        long end = b.length - 8 - n;
                        for (long o : pick(r, new long[] {0, 1L << 40}, new long[] {end, 0}, new long[] {-8, 8}, new long[] {0, end + 4},
                                new long[] {0})) {
                            off.add(o);
                        }
                        t.set("data_offsets", off);
                        what = name + " data_offsets " + off;
                    }
                    case 3 -> {
                        h.remove(name);
                        what = "without tensor " + name;
                    }
                    case 4 -> {
                        h.set(name, JsonNodeFactory.instance.textNode("not a tensor"));
                        what = name + " is a string";
                    }
                    default -> {
                        t.remove(pick(r, "dtype", "shape", "data_offsets"));
                        what = name + " missing a key";
                    }
                }
                byte[] header = JSON.writeValueAsBytes(h);
                int pad = (8 - header.length % 8) % 8;
                byte[] padded = Arrays.copyOf(header, header.length + pad);
                Arrays.fill(padded, header.length, padded.length, (byte) ' ');
                ByteBuffer out = ByteBuffer.allocate(8 + padded.length + (int) (b.length - 8 - n)).order(ByteOrder.LITTLE_ENDIAN);
                out.putLong(padded.length).put(padded).put(b, 8 + (int) n, (int) (b.length - 8 - n));
                replace(file, out.array());
                return new ModelFault("header: " + what, true);
            }
        }
    }

    /**
     * Damages a Hugging Face {@code config.json} (of the tiny BERT fixture); certainly invalid only when it is no longer
     * a JSON object.
     */
    static ModelFault damageConfig(Random r, Path config) throws IOException {
        ObjectNode c = (ObjectNode) JSON.readTree(config.toFile());
        switch (r.nextInt(7)) {
            case 0 -> {
                byte[] b = Files.readAllBytes(config);
                int cut = r.nextInt(b.length - 1);
                replace(config, Arrays.copyOf(b, cut));
                return new ModelFault("config.json truncated at " + cut, true);
            }
            case 1 -> {
                String field = pick(r, "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size",
                        "max_position_embeddings");
                long value = pickLong(r, 0L, -1L, Integer.MAX_VALUE, 1L << 40, 1_000_000L);
                c.put(field, value);
                writeJson(config, c);
                return new ModelFault("config.json " + field + " = " + value, false);
            }
            case 2 -> {
                String field = pick(r, "hidden_size", "model_type", "num_hidden_layers", "vocab_size");
                c.set(field, pickNode(r, JSON.createArrayNode(), JSON.createObjectNode(), JsonNodeFactory.instance.textNode("big"),
                        JsonNodeFactory.instance.nullNode()));
                writeJson(config, c);
                return new ModelFault("config.json " + field + " = " + c.get(field), false);
            }
            case 3 -> {
                c.put("padding", "p".repeat((3 + r.nextInt(4)) << 20));
                writeJson(config, c);
                return new ModelFault("config.json of several MB", false);
            }
            case 4 -> {
                int depth = 5000 + r.nextInt(50_000);
                String s = JSON.writeValueAsString(c);
                replace(config, (s.substring(0, s.length() - 1) + ", \"deep\": " + "[".repeat(depth) + "]".repeat(depth) + "}")
                        .getBytes(StandardCharsets.UTF_8));
                return new ModelFault("config.json nested " + depth + " deep", false);
            }
            case 5 -> {
                replace(config, pick(r, "", "[]", "null", "\"bert\"", "{").getBytes(StandardCharsets.UTF_8));
                return new ModelFault("config.json not an object", true);
            }
            default -> {
                c.put("model_type", pick(r, "gpt2", "../../bert", "", "BERT"));
                writeJson(config, c);
                return new ModelFault("config.json model_type " + c.get("model_type"), false);
            }
        }
    }

    // ---------------------------------------------------------------- ONNX files

    /** A bogus {@code --onnx} file: never a MobileNetV2, so an import must fail. */
    static byte[] bogusOnnx(Random r, Path sandbox) {
        int choice = r.nextInt(8);
        return switch (choice) {
            case 0 -> new byte[0];
            case 1 -> {
                byte[] g = new byte[1 + r.nextInt(8192)];
                r.nextBytes(g);
                yield g;
            }
            case 2 -> "text,label\nnot,onnx\n".getBytes(StandardCharsets.UTF_8);
            default -> {
                String location = pick(r, "../outside.bin", "/etc/passwd", "weights.bin", sandbox.resolve("fixtures/good.csv").toString(),
                        "../../../../../../../../dev/zero");
                byte[] m = onnxWithExternalData(location, choice == 7 ? new long[] {1L << 40, 1L << 40} : new long[] {32, 3, 3, 3});
                if (choice == 6) {
                    m = Arrays.copyOf(m, 1 + r.nextInt(m.length - 1));
                } else if (choice == 5) {
                    m = flipBytes(r, m, 1 + r.nextInt(4));
                }
                yield m;
            }
        };
    }

    /** Describes what {@link #bogusOnnx} made, from the same choice (for messages). */
    static String describeOnnx(byte[] b) {
        if (b.length == 0) {
            return "empty";
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        return s.contains("location") ? "external data (" + b.length + " bytes)" : "garbage (" + b.length + " bytes)";
    }

    /**
     * A minimal ONNX ModelProto: one Conv node whose weight initializer is stored as external data at {@code location}
     * (data_location = EXTERNAL), with dims {@code dims}.
     */
    static byte[] onnxWithExternalData(String location, long[] dims) {
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        for (long d : dims) {
            varintField(tensor, 1, d);
        }
        varintField(tensor, 2, 1); // FLOAT
        bytesField(tensor, 8, "w".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        bytesField(entry, 1, "location".getBytes(StandardCharsets.UTF_8));
        bytesField(entry, 2, location.getBytes(StandardCharsets.UTF_8));
        bytesField(tensor, 13, entry.toByteArray());
        ByteArrayOutputStream length = new ByteArrayOutputStream();
        bytesField(length, 1, "length".getBytes(StandardCharsets.UTF_8));
        bytesField(length, 2, Long.toString(TensorBytes.of(dims)).getBytes(StandardCharsets.UTF_8));
        bytesField(tensor, 13, length.toByteArray());
        varintField(tensor, 14, 1); // EXTERNAL
        ByteArrayOutputStream node = new ByteArrayOutputStream();
        bytesField(node, 1, "x".getBytes(StandardCharsets.UTF_8));
        bytesField(node, 1, "w".getBytes(StandardCharsets.UTF_8));
        bytesField(node, 2, "y".getBytes(StandardCharsets.UTF_8));
        bytesField(node, 3, "conv0".getBytes(StandardCharsets.UTF_8));
        bytesField(node, 4, "Conv".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        bytesField(graph, 1, node.toByteArray());
        bytesField(graph, 2, "fuzz".getBytes(StandardCharsets.UTF_8));
        bytesField(graph, 5, tensor.toByteArray());
        ByteArrayOutputStream vi = new ByteArrayOutputStream();
        bytesField(vi, 1, "x".getBytes(StandardCharsets.UTF_8));
        bytesField(graph, 11, vi.toByteArray());
        ByteArrayOutputStream vo = new ByteArrayOutputStream();
        bytesField(vo, 1, "y".getBytes(StandardCharsets.UTF_8));
        bytesField(graph, 12, vo.toByteArray());
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        varintField(model, 1, 7); // ir_version
        bytesField(model, 2, "graft-fuzz".getBytes(StandardCharsets.UTF_8));
        bytesField(model, 7, graph.toByteArray());
        ByteArrayOutputStream opset = new ByteArrayOutputStream();
        varintField(opset, 2, 12);
        bytesField(model, 8, opset.toByteArray());
        return model.toByteArray();
    }

    /** Byte size of a float tensor, saturating. */
    private static final class TensorBytes {
        static long of(long[] dims) {
            long n = 4;
            for (long d : dims) {
                n = Math.multiplyHigh(n, d) != 0 ? Long.MAX_VALUE : n * d;
            }
            return n;
        }
    }

    private static void varintField(ByteArrayOutputStream out, int field, long value) {
        varint(out, (long) field << 3);
        varint(out, value);
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] payload) {
        varint(out, (long) field << 3 | 2);
        varint(out, payload.length);
        out.writeBytes(payload);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    // ---------------------------------------------------------------- helpers

    @SafeVarargs
    static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    static int pickInt(Random r, int... options) {
        return options[r.nextInt(options.length)];
    }

    static long pickLong(Random r, long... options) {
        return options[r.nextInt(options.length)];
    }

    private static JsonNode pickNode(Random r, JsonNode... options) {
        return options[r.nextInt(options.length)];
    }

    static byte[] flipBytes(Random r, byte[] b, int n) {
        byte[] c = b.clone();
        for (int i = 0; i < n && c.length > 0; i++) {
            c[r.nextInt(c.length)] ^= (byte) (1 + r.nextInt(255));
        }
        return c;
    }

    static byte[] insertAt(Random r, byte[] b, byte[] insert) {
        int at = r.nextInt(b.length + 1);
        return concat(concat(Arrays.copyOf(b, at), insert), Arrays.copyOfRange(b, at, b.length));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static int nthIndexOf(String s, char c, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            int next = s.indexOf(c, at + 1);
            if (next < 0) {
                return at < 0 ? s.length() - 1 : at;
            }
            at = next;
        }
        return at;
    }

    private static byte[] replaceLine(byte[] bytes, int index, String line) {
        List<String> lines = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n")));
        lines.set(Math.min(index, lines.size() - 1), line);
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces a file (which may be a hard link to a fixture) by a new one: the old inode is never written. */
    static void replace(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        Files.write(file, bytes);
    }

    private static void writeJson(Path file, JsonNode node) throws IOException {
        replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    }

    private static JsonNode get(ObjectNode root, String dotted) {
        JsonNode n = root;
        for (String part : dotted.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    private static void set(ObjectNode root, String dotted, JsonNode value) {
        String[] parts = dotted.split("\\.");
        JsonNode parent = parts.length == 1 ? root : root.path(parts[0]);
        if (parent instanceof ObjectNode o) {
            o.set(parts[parts.length - 1], value);
        }
    }

    private static void remove(ObjectNode root, String dotted) {
        String[] parts = dotted.split("\\.");
        JsonNode parent = parts.length == 1 ? root : root.path(parts[0]);
        if (parent instanceof ObjectNode o) {
            o.remove(parts[parts.length - 1]);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(p)) {
                for (Iterator<Path> it = children.iterator(); it.hasNext(); ) {
                    deleteTree(it.next());
                }
            }
        }
        Files.delete(p);
    }
}
