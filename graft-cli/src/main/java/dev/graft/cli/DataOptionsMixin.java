package dev.graft.cli;

import dev.graft.data.DataFormat;
import dev.graft.data.DataOptions;
import picocli.CommandLine.Option;

/** Options shared by every command that reads a labelled data file. */
final class DataOptionsMixin {

    @Option(names = "--text-column", paramLabel = "COLUMN",
            description = "Column holding the text: a header name or 0-based index (default: the first of text, sentence, sms, review, content, message, body, document).")
    String textColumn;

    @Option(names = "--label-column", paramLabel = "COLUMN",
            description = "Column holding the label: a header name or 0-based index (default: the first of label, labels, class, category, target, y, sentiment).")
    String labelColumn;

    @Option(names = "--format", paramLabel = "csv|tsv|jsonl",
            description = "File format (default: from the extension; .txt is read as TSV).")
    String format;

    @Option(names = "--skip-empty", description = "Drop rows with empty text or label instead of failing (the count is reported).")
    boolean skipEmpty;

    DataOptions toOptions() {
        DataOptions o = DataOptions.defaults();
        if (textColumn != null) {
            o = o.withTextColumn(textColumn);
        }
        if (labelColumn != null) {
            o = o.withLabelColumn(labelColumn);
        }
        if (format != null) {
            o = o.withFormat(DataFormat.parse(format));
        }
        if (skipEmpty) {
            o = o.withSkipEmptyText(true).withSkipEmptyLabel(true);
        }
        return o;
    }
}
