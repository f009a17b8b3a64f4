package dev.graft.data;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Splits CSV or TSV text into records with commons-csv.
 *
 * <p>Quoting policy (both formats): a field that <em>starts</em> with a double quote is quoted; it
 * may contain delimiters, line breaks and doubled quotes ({@code ""}) and ends at the matching
 * closing quote. Quotes elsewhere in a field are literal. Real-world files (e.g. the SMS Spam
 * Collection) contain unquoted messages that merely <em>begin</em> with a quote, such as
 * {@code "Gimme a few" was 5 minutes ago}; commons-csv is configured to accept such trailing data
 * after a closing quote instead of failing, and where the record is a single line the field is then
 * restored to its raw text, quotes included, so the text stays faithful. A quote that is never
 * closed is an error naming the line where the record starts. Empty lines are skipped; spaces
 * around fields are kept.
 */
final class DelimitedParser {

    private static final Pattern START_LINE = Pattern.compile("startline ([0-9,]+)");

    private DelimitedParser() {
    }

    /** Parses all records of {@code source} as {@code format} (CSV or TSV). */
    static List<RawRow> parse(SourceText source, DataFormat format) {
        char delimiter = format == DataFormat.CSV ? ',' : '\t';
        CSVFormat csv = CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setQuote('"')
                .setEscape((Character) null)
                .setIgnoreEmptyLines(true)
                .setIgnoreSurroundingSpaces(false)
                .setTrailingData(true)
                .setLenientEof(false)
                .build();
        String content = source.content();
        List<CSVRecord> records = new ArrayList<>();
        try (CSVParser parser = csv.parse(new StringReader(content))) {
            for (CSVRecord r : parser) {
                records.add(r);
            }
        } catch (IOException | UncheckedIOException e) {
            String detail = rootMessage(e);
            Matcher m = START_LINE.matcher(detail == null ? "" : detail);
            String where = m.find() ? "the record starting at line " + m.group(1).replace(",", "")
                    : "line " + (records.isEmpty() ? 1 : source.lines().lineOf(
                            records.get(records.size() - 1).getCharacterPosition()) + 1);
            throw new DataException(source.path() + ": cannot parse " + format + " at " + where
                    + " (" + detail + "). Most likely a field there starts with a double quote that is never"
                    + " closed; close the quote, or double any quote inside a quoted field (\"\").", e);
        }
        List<RawRow> rows = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            int start = skipLineBreaks(content, records.get(i).getCharacterPosition());
            int end = i + 1 < records.size() ? (int) records.get(i + 1).getCharacterPosition() : content.length();
            String raw = trimLineBreaks(content.substring(start, Math.max(start, end)));
            rows.add(new RawRow(repairTrailingQuotes(records.get(i).toList(), raw, delimiter),
                    source.lines().lineOf(start)));
        }
        return rows;
    }

    /**
     * For a single-line record whose raw text splits cleanly on the delimiter, replaces any field
     * that commons-csv changed beyond plain unquoting (i.e. one with data after the closing quote)
     * by its raw text.
     */
    static List<String> repairTrailingQuotes(List<String> parsed, String raw, char delimiter) {
        if (raw.indexOf('"') < 0 || raw.indexOf('\n') >= 0 || raw.indexOf('\r') >= 0) {
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

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
