package dev.graft.data;

import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads labelled text from CSV, TSV or JSON Lines files.
 *
 * <p>Files must be UTF-8 (a leading byte-order mark is ignored); invalid bytes are reported with
 * their line number. The format comes from {@link DataOptions#format()} when set, otherwise from the
 * extension ({@link DataFormat#fromExtension}); a file with no known extension is sniffed: a first
 * line starting with <code>{</code> means JSON Lines, one containing a tab TSV, one containing a
 * comma CSV. Header and column rules are described in {@link HeaderMode} and {@link DataOptions}.
 *
 * <p>Text pairs: with {@link DataOptions#textPairColumn()} each example also carries the second text of a pair
 * ({@link TextExample#textPair()}), read from that column or field; without it single texts are read exactly as
 * before.
 *
 * <p>CSV/TSV quoting ({@link QuoteMode#DOUBLE}, the default; {@link QuoteMode#NONE} makes quotes ordinary characters
 * and every line one record): a field is quoted only when it <em>starts</em> with a double quote; a quoted
 * field may span several lines and contain delimiters and doubled quotes ({@code ""}). Files that
 * are not well-formed in this respect are read leniently where that is unambiguous: text after a
 * closing quote (as in {@code "Hi" she said}) is kept as written, quotes included, and a multi-line
 * record with a broken quote is re-read line by line when each line has the expected number of
 * columns; otherwise the error names the line where the record starts and suggests {@link QuoteMode#NONE}. Empty lines are skipped,
 * spaces inside fields are kept. Labels are trimmed and otherwise compared exactly: labels that
 * differ in case or inner spacing ({@code Spam}, {@code spam}) are separate classes, which
 * {@link LabelMap#similarLabelsWarning} reports; they are not merged, since only the user knows
 * whether they mean the same class. Every record must have as many fields as the
 * header (or, without one, the first row): a row with more fields is an error naming its line, since
 * an unquoted delimiter inside a text would otherwise shift the label column. Rows with fewer fields
 * are accepted as long as they hold the text and label columns.
 *
 * <p>Input is bounded: no line (nor a record whose quoted field spans lines) may be longer than
 * {@link DataOptions#maxLineBytes()}; UTF-16 and UTF-32 files are recognised and refused with
 * conversion advice; a path naming standard input ({@code /dev/stdin}) is refused when standard
 * input is closed (see {@link StandardInput}).
 *
 * <p>All problems are reported as {@link DataException}.
 */
public final class TextDataReader {

    private TextDataReader() {
    }

    /** Reads {@code file} with {@link DataOptions#defaults()}. */
    public static TextDataset read(Path file) {
        return read(file, DataOptions.defaults());
    }

    /**
     * Reads {@code file}.
     *
     * @throws DataException when the file is missing, not UTF-8, empty, lacks the requested columns
     *                       (or names one of them twice), has malformed records, rows with more fields
     *                       than the header, over-long lines or rows with empty text/label (unless skipped)
     */
    public static TextDataset read(Path file, DataOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        SourceText source = SourceText.read(file, options.maxLineBytes());
        DataFormat format = options.format() != null ? options.format()
                : DataFormat.fromExtension(file).orElseGet(() -> sniff(source));
        return switch (format) {
            case CSV, TSV -> DelimitedReader.read(source, format, options);
            case JSONL -> JsonLinesParser.parse(source, options);
        };
    }

    private static DataFormat sniff(SourceText source) {
        String content = source.content();
        int end = content.indexOf('\n');
        String first = (end < 0 ? content : content.substring(0, end)).strip();
        if (first.startsWith("{")) {
            return DataFormat.JSONL;
        }
        if (first.indexOf('\t') >= 0) {
            return DataFormat.TSV;
        }
        if (first.indexOf(',') >= 0) {
            return DataFormat.CSV;
        }
        throw new DataException("Cannot tell the format of " + source.path() + ": its name has no .csv, .tsv or"
                + " .jsonl extension and its first line has neither tabs nor commas. Rename the file or pass"
                + " " + Arguments.name("format") + " csv|tsv|jsonl.");
    }
}
