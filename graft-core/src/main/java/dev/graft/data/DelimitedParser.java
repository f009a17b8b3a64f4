package dev.graft.data;

import dev.graft.util.Arguments;
import dev.graft.util.Excerpt;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Splits CSV or TSV text into records with commons-csv.
 *
 * <p>Quoting policy (both formats): a field that <em>starts</em> with a double quote is a quoted
 * field, which may contain delimiters, line breaks and doubled quotes ({@code ""}) and ends at the
 * matching closing quote; quotes elsewhere in a field are literal. This is honoured whenever the
 * record is well-formed. Real files are not always: the SMS Spam Collection has unquoted messages
 * that merely begin with a quote ({@code "Gimme a few" was 5 minutes ago}) and one whose opening
 * quote is never closed. So:
 * <ul>
 *   <li>text after a closing quote is accepted; if the record is a single line, the field is kept
 *       exactly as written, quotes included;</li>
 *   <li>a record spanning several lines that is not well-formed (strict RFC 4180 rejects it: data
 *       after the closing quote, or no closing quote before the end of the file) is taken to start
 *       with a literal quote and is re-read line by line, each line one record, provided every such
 *       line has as many columns as the first row; otherwise it is an error naming the line where
 *       the record starts.</li>
 * </ul>
 * Empty lines are skipped; spaces around fields are kept. A well-formed record spanning several
 * lines may be at most {@code maxRecordBytes} long, like a line. A quote that cannot be read either way is an error
 * that suggests {@link QuoteMode#NONE}.
 *
 * <p>With {@link QuoteMode#NONE} quotes are ordinary characters: each non-empty line is one record, split at every
 * delimiter.
 */
final class DelimitedParser {

    private DelimitedParser() {
    }

    /**
     * Parses all records of {@code source} as {@code format} (CSV or TSV) with quotes as {@code quote} says; see the
     * class comment for {@code maxRecordBytes}.
     */
    static List<RawRow> parse(SourceText source, DataFormat format, int maxRecordBytes, QuoteMode quote) {
        char delimiter = format == DataFormat.CSV ? ',' : '\t';
        if (quote == QuoteMode.NONE) {
            return splitLines(source, delimiter);
        }
        CSVFormat lenient = csvFormat(delimiter, true);
        CSVFormat strict = csvFormat(delimiter, false);
        String content = source.content();
        List<CSVRecord> records = parseAll(source, format, lenient, content);
        List<RawRow> rows = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            int start = skipLineBreaks(content, records.get(i).getCharacterPosition());
            int end = i + 1 < records.size() ? (int) records.get(i + 1).getCharacterPosition() : content.length();
            String raw = trimLineBreaks(content.substring(start, Math.max(start, end)));
            int line = source.lines().lineOf(start);
            if (!isMultiLine(raw)) {
                rows.add(new RawRow(repairTrailingQuotes(records.get(i).toList(), raw, delimiter), line));
            } else if (isSingleStrictRecord(raw, strict)) {
                checkLength(source, raw, start, maxRecordBytes);
                rows.add(new RawRow(records.get(i).toList(), line));
            } else {
                int expected = rows.isEmpty() ? -1 : rows.get(0).cells().size();
                rows.addAll(reReadLineByLine(source, format, raw, line, expected, lenient, delimiter));
            }
        }
        return rows;
    }

    /** Every non-empty line one record, split at every delimiter: quotes are ordinary characters. */
    private static List<RawRow> splitLines(SourceText source, char delimiter) {
        String[] lines = source.content().split("\r\n|\n|\r", -1);
        String separator = java.util.regex.Pattern.quote(String.valueOf(delimiter));
        List<RawRow> rows = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isEmpty()) {
                rows.add(new RawRow(List.of(lines[i].split(separator, -1)), i + 1));
            }
        }
        return rows;
    }

    /** The advice for a quote that cannot be read: fix it, or read quotes as ordinary characters. */
    private static String quoteAdvice() {
        return " If quotes in this file are ordinary characters (as in files written without quoting, such as GLUE's"
                + " TSV files), read it with quote NONE (" + Arguments.name("quote") + " none).";
    }

    /**
     * A well-formed record spanning several lines is bounded like a line (each of its lines already is): a quoted field
     * that runs on for megabytes is far more likely a misplaced quote than a text.
     */
    private static void checkLength(SourceText source, String raw, int start, int maxRecordBytes) {
        if (raw.length() <= maxRecordBytes / 3) {
            return; // at most 3 UTF-8 bytes per char
        }
        long bytes = raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > maxRecordBytes) {
            throw new DataException(source.path() + ": the record starting at line " + source.lines().lineOf(start)
                    + " is longer than the limit of " + BoundedLineReader.size(maxRecordBytes) + ": its quoted field runs"
                    + " on to line " + source.lines().lineOf(start + raw.length() - 1) + ". Check the quotes there (a field"
                    + " that starts with a double quote ends at the next lone double quote); if such long records are"
                    + " intended, raise the maximum line length (" + Arguments.name("maxLineBytes") + ")." + quoteAdvice());
        }
    }

    private static CSVFormat csvFormat(char delimiter, boolean lenient) {
        return CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setQuote('"')
                .setEscape((Character) null)
                .setIgnoreEmptyLines(true)
                .setIgnoreSurroundingSpaces(false)
                .setTrailingData(lenient)
                .setLenientEof(lenient)
                .build();
    }

    private static List<CSVRecord> parseAll(SourceText source, DataFormat format, CSVFormat csv, String text) {
        List<CSVRecord> records = new ArrayList<>();
        try (CSVParser parser = csv.parse(new StringReader(text))) {
            for (CSVRecord r : parser) {
                records.add(r);
            }
        } catch (IOException | UncheckedIOException e) {
            int line = records.isEmpty() ? 1
                    : source.lines().lineOf(records.get(records.size() - 1).getCharacterPosition()) + 1;
            throw new DataException(source.path() + ": cannot parse " + format + " after line " + line + " ("
                    + Excerpt.of(e.getMessage()) + "). Check the quotes there: double any quote inside a quoted field (\"\")."
                    + quoteAdvice(), e);
        }
        return records;
    }

    private static boolean isSingleStrictRecord(String raw, CSVFormat strict) {
        try (CSVParser parser = strict.parse(new StringReader(raw))) {
            return parser.getRecords().size() == 1;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static List<RawRow> reReadLineByLine(SourceText source, DataFormat format, String raw, int firstLine,
                                                 int expected, CSVFormat lenient, char delimiter) {
        String[] lines = raw.split("\r\n|\n|\r", -1);
        List<RawRow> rows = new ArrayList<>();
        for (int k = 0; k < lines.length; k++) {
            if (lines[k].isEmpty()) {
                continue;
            }
            List<CSVRecord> one = parseAll(source, format, lenient, lines[k]);
            List<String> cells = one.size() == 1 ? repairTrailingQuotes(one.get(0).toList(), lines[k], delimiter)
                    : List.of(lines[k].split(String.valueOf(delimiter), -1));
            if (expected >= 0 && cells.size() != expected) {
                throw new DataException(source.path() + ": the record starting at line " + firstLine + " has a field"
                        + " that starts with a double quote which is not closed properly (the quoted text runs on to"
                        + " line " + (firstLine + lines.length - 1) + "). Close the quote right before the next "
                        + (format == DataFormat.CSV ? "comma" : "tab") + " or line end, double any quote inside the"
                        + " field (\"\"), or remove the opening quote." + quoteAdvice());
            }
            rows.add(new RawRow(cells, firstLine + k));
        }
        return rows;
    }

    /**
     * For a single-line record whose raw text splits cleanly on the delimiter, replaces any field
     * that commons-csv changed beyond plain unquoting (data after the closing quote, or no closing
     * quote) by its raw text.
     */
    static List<String> repairTrailingQuotes(List<String> parsed, String raw, char delimiter) {
        if (raw.indexOf('"') < 0 || isMultiLine(raw)) {
            return parsed;
        }
        String[] rawFields = raw.split(String.valueOf(delimiter), -1);
        if (rawFields.length != parsed.size()) {
            return parsed;
        }
        List<String> out = new ArrayList<>(parsed);
        for (int i = 0; i < rawFields.length; i++) {
            String r = rawFields[i];
            if (r.startsWith("\"") && !plainUnquote(r).equals(parsed.get(i))) {
                out.set(i, r);
            }
        }
        return out;
    }

    private static boolean isMultiLine(String raw) {
        return raw.indexOf('\n') >= 0 || raw.indexOf('\r') >= 0;
    }

    private static String plainUnquote(String r) {
        if (r.length() >= 2 && r.startsWith("\"") && r.endsWith("\"")) {
            return r.substring(1, r.length() - 1).replace("\"\"", "\"");
        }
        return r;
    }

    private static int skipLineBreaks(String s, long from) {
        int i = (int) from;
        while (i < s.length() && (s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
            i++;
        }
        return i;
    }

    private static String trimLineBreaks(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }
}
