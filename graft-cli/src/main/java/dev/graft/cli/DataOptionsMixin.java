package dev.graft.cli;

import dev.graft.data.DataFormat;
import dev.graft.data.DataOptions;
import dev.graft.data.QuoteMode;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import picocli.CommandLine.Option;

/** Options shared by every command that reads a labelled data file. */
final class DataOptionsMixin {

    @Option(names = "--text-column", paramLabel = "COLUMN",
            description = "Column holding the text: a header name or 0-based index (default: the first of text, sentence, sms, review, content, message, body, document).")
    String textColumn;

    @Option(names = "--text-pair-column", paramLabel = "COLUMN",
            description = "Column holding the second text of a text pair (paraphrase, entailment): a header name or 0-based index."
                    + " The model then classifies pairs (--text-column, --text-pair-column). Default: single texts.")
    String textPairColumn;

    @Option(names = "--label-column", paramLabel = "COLUMN",
            description = "Column holding the label: a header name or 0-based index (default: the first of label, labels, class, category, target, y, sentiment).")
    String labelColumn;

    @Option(names = "--task", paramLabel = "classification|multi-label|regression|ner|qa|segmentation",
            description = "What the label column holds: one class per row (classification, the default), a list of labels"
                    + " (multi-label: a sigmoid per label, thresholds tuned on validation) or a number (regression);"
                    + " ner (token-classification): the data are tagged sentences, CoNLL columns or JSON Lines, one tag per word;"
                    + " qa (question-answering): SQuAD v1.1/v2.0 JSON or JSON Lines of question, context and answers;"
                    + " segmentation: the data are images/ and masks/ folders (or a CSV of image,mask paths), a class per pixel.")
    String task;

    @Option(names = "--label-separator", paramLabel = "SEP",
            description = "Multi-label: what separates the labels of one row in the label column (default: ,).")
    String labelSeparator;

    @Option(names = "--label-names", paramLabel = "FILE",
            description = "Multi-label: a file with one label name per line; the label column may then hold 0-based ids into it"
                    + " (as GoEmotions does). Default: labels as written.")
    java.nio.file.Path labelNames;

    @Option(names = "--format", paramLabel = "csv|tsv|jsonl|conll|squad",
            description = "File format (default: from the extension; .txt is read as TSV). With --task ner: conll or jsonl"
                    + " (default: from the extension and the first line); with --task qa: squad or jsonl (default: from the first line).")
    String format;

    @Option(names = "--quote", paramLabel = "double|none",
            description = "CSV/TSV quoting: double (a field starting with \" is quoted and may hold delimiters and line breaks) or"
                    + " none (quotes are ordinary characters, one record per line: files written without quoting, e.g. GLUE's"
                    + " TSVs such as MRPC) (default: double).")
    String quote;

    @Option(names = "--skip-empty-text", description = "Drop rows whose text (or second text of a pair) is empty instead of failing (the number dropped is reported).")
    boolean skipEmptyText;

    @Option(names = "--skip-empty-label", description = "Drop rows whose label is empty instead of failing (the number dropped is reported).")
    boolean skipEmptyLabel;

    @Option(names = "--max-line-bytes", paramLabel = "N",
            description = "Longest line accepted, in bytes; a CSV/TSV record whose quoted field spans lines counts as one (default: " + dev.graft.data.BoundedLineReader.DEFAULT_MAX_LINE_BYTES + " = 8 MiB). Longer input is refused, naming the line.")
    Integer maxLineBytes;

    /** A note for standard error when rows were dropped, e.g. {@code "note: skipped 3 row(s) ... in a.csv"}. */
    static java.util.Optional<String> skippedNote(dev.graft.data.TextDataset dataset) {
        return dev.graft.run.TrainingRun.skippedNote(dataset);
    }

    DataOptions toOptions() {
        DataOptions o = DataOptions.defaults();
        if (!labelColumn()) {
            // tagged sentences, questions and masks have no label column and their own --format values (conll, squad):
            // their commands read them, not these options
            return o;
        }
        if (textColumn != null) {
            o = o.withTextColumn(textColumn);
        }
        if (labelColumn != null) {
            o = o.withLabelColumn(labelColumn);
        }
        if (textPairColumn != null) {
            o = o.withTextPairColumn(textPairColumn);
        }
        if (format != null) {
            o = o.withFormat(DataFormat.parse(format));
        }
        if (quote != null) {
            o = o.withQuote(QuoteMode.parse(quote));
        }
        if (maxLineBytes != null) {
            o = o.withMaxLineBytes(maxLineBytes);
        }
        return o.withSkipEmptyText(skipEmptyText).withSkipEmptyLabel(skipEmptyLabel).withTargets(targets());
    }

    /** Whether {@code --task} reads a label column (classification, regression, multi-label). */
    private boolean labelColumn() {
        TaskKind kind = task == null ? TaskKind.CLASSIFICATION : TaskKind.parse(task);
        return kind == TaskKind.CLASSIFICATION || kind == TaskKind.REGRESSION || kind == TaskKind.MULTI_LABEL;
    }

    /** How the label column is read: --task, --label-separator and --label-names. */
    TargetFormat targets() {
        TaskKind kind = task == null ? TaskKind.CLASSIFICATION : TaskKind.parse(task);
        if (kind != TaskKind.MULTI_LABEL && (labelSeparator != null || labelNames != null)) {
            throw new IllegalArgumentException((labelSeparator != null ? "--label-separator" : "--label-names")
                    + " is for multi-label data; add --task multi-label, or drop it.");
        }
        return switch (kind) {
            case CLASSIFICATION -> TargetFormat.classification();
            case REGRESSION -> TargetFormat.regression();
            case MULTI_LABEL -> TargetFormat.multiLabel(labelSeparator == null ? "," : labelSeparator,
                    labelNames == null ? null : TargetFormat.readLabelNames(labelNames));
            case TOKEN_CLASSIFICATION -> throw new IllegalArgumentException("--task " + task + " reads tagged sentences"
                    + " (graft train and graft evaluate with a token-classification model), not a label column.");
            case QUESTION_ANSWERING -> throw new IllegalArgumentException("--task " + task + " reads questions with"
                    + " contexts (SQuAD JSON or JSON Lines), not a label column.");
            case SEGMENTATION -> throw new IllegalArgumentException("--task " + task + " reads images/ and masks/ folders"
                    + " (graft train --task segmentation), not a label column.");
        };
    }
}
