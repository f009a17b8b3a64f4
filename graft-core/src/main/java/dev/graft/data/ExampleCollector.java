package dev.graft.data;

import dev.graft.util.Arguments;
import dev.graft.util.Excerpt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns (text, second text, label, line) rows into {@link TextExample}s, applying the empty-text and
 * empty-label policy of {@link DataOptions}: blank values are skipped when the matching flag is
 * set, otherwise {@link #finish()} fails naming the first few offending lines and their count. For
 * text pairs, an empty second text counts as empty text.
 */
final class ExampleCollector {

    private static final int LINES_SHOWN = 5;

    private final Path path;
    private final DataOptions options;
    private final String textColumn;
    private final String labelColumn;
    private final String pairColumn;
    private final List<TextExample> examples = new ArrayList<>();
    private final List<Integer> emptyText = new ArrayList<>();
    private final List<Integer> emptyLabel = new ArrayList<>();
    private final List<Integer> emptyPair = new ArrayList<>();
    private int skipped;

    /**
     * A collector for rows of {@code path}.
     *
     * @param pairColumn the column of the second text of each pair, or {@code null} for single texts
     */
    ExampleCollector(Path path, DataOptions options, String textColumn, String labelColumn, String pairColumn) {
        this.path = path;
        this.options = options;
        this.textColumn = textColumn;
        this.labelColumn = labelColumn;
        this.pairColumn = pairColumn;
    }

    /**
     * Adds one row; {@code null} values count as empty.
     *
     * @param pair the second text of the pair; ignored for single texts (no pair column)
     */
    void add(String text, String pair, String label, int line) {
        boolean noText = text == null || text.isBlank();
        boolean noPair = pairColumn != null && (pair == null || pair.isBlank());
        boolean blankLabel = label == null || label.isBlank();
        // a multi-label example may have no label at all (every label negative): kept, unless empty labels are skipped
        boolean noLabel = blankLabel && (options.skipEmptyLabel() || !allowsNoLabel());
        if (noText && !options.skipEmptyText()) {
            emptyText.add(line);
        }
        if (noPair && !options.skipEmptyText()) {
            emptyPair.add(line);
        }
        if (noLabel && !options.skipEmptyLabel()) {
            emptyLabel.add(line);
        }
        if (noText || noPair || noLabel) {
            skipped++;
            return;
        }
        examples.add(new TextExample(text, blankLabel ? "" : label, line, pairColumn == null ? null : pair));
    }

    /** Whether an empty label cell is an example (multi-label: no label applies) rather than a missing value. */
    private boolean allowsNoLabel() {
        return options.targets() != null && options.targets().task() == TaskKind.MULTI_LABEL;
    }

    /** Number of rows dropped by the skip flags (or about to be reported). */
    int skipped() {
        return skipped;
    }

    /**
     * The examples collected.
     *
     * @throws DataException when empty rows are not to be skipped, or when no examples remain
     */
    List<TextExample> finish() {
        if (!emptyText.isEmpty()) {
            throw emptyRows("empty text", textColumn, emptyText, Arguments.name("skipEmptyText"), "withSkipEmptyText(true)");
        }
        if (!emptyPair.isEmpty()) {
            throw emptyRows("an empty second text", pairColumn, emptyPair, Arguments.name("skipEmptyText"), "withSkipEmptyText(true)");
        }
        if (!emptyLabel.isEmpty()) {
            throw emptyRows("an empty label", labelColumn, emptyLabel, Arguments.name("skipEmptyLabel"), "withSkipEmptyLabel(true)");
        }
        if (examples.isEmpty()) {
            throw new DataException(path + " has no usable data rows" + (skipped > 0
                    ? " (all " + skipped + " rows had empty text or label and were skipped)" : "")
                    + ". Add rows with both text and a label.");
        }
        return examples;
    }

    private DataException emptyRows(String what, String column, List<Integer> lines, String flag, String api) {
        String shown = lines.stream().limit(LINES_SHOWN).map(String::valueOf).collect(Collectors.joining(", "));
        String more = lines.size() > LINES_SHOWN ? ", ..." : "";
        String rows = lines.size() == 1 ? "1 row has " : lines.size() + " rows have ";
        return new DataException(path + ": " + rows + what + " in column '" + Excerpt.of(column) + "' (line"
                + (lines.size() == 1 ? " " : "s ") + shown + more + "). Fill in or delete "
                + (lines.size() == 1 ? "that row" : "those rows") + ", or skip such rows with " + flag
                + " (DataOptions." + api + ").");
    }
}
