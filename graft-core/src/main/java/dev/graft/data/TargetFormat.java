package dev.graft.data;

import dev.graft.util.Arguments;
import dev.graft.util.Excerpt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the target column of a data file is written, for each {@link TaskKind}: a class name; a list of labels joined
 * by {@link #separator()} (label names, or 0-based ids into {@link #labelNames()}); or a number. The raw text stays
 * in {@link TextExample#label()}; this type checks it when a file is read (so a bad value is reported with its line)
 * and interprets it for splitting and training.
 *
 * @param task       the kind of target
 * @param separator  what separates the labels of one example (multi-label only; {@code ","} by default)
 * @param labelNames the label list for multi-label data whose targets are ids ({@code 0} is the first name), or
 *                   {@code null} to take the labels as written
 */
public record TargetFormat(TaskKind task, String separator, List<String> labelNames) {

    /** Number of quantile bins a numeric target is stratified by when data is split. */
    static final int REGRESSION_STRATA = 5;

    /** Validates the separator and copies the names. */
    public TargetFormat {
        Objects.requireNonNull(task, "task");
        if (task == TaskKind.MULTI_LABEL && (separator == null || separator.isEmpty())) {
            throw new IllegalArgumentException("labelSeparator must not be empty for multi-label targets");
        }
        if (labelNames != null) {
            labelNames = List.copyOf(labelNames);
            Set<String> seen = new LinkedHashSet<>();
            for (String n : labelNames) {
                if (n.isBlank() || !seen.add(n.strip())) {
                    throw new IllegalArgumentException("labelNames must be distinct and not blank; '" + Excerpt.of(n)
                            + "' is " + (n.isBlank() ? "blank" : "repeated"));
                }
            }
        }
    }

    /** Class labels (the default). */
    public static TargetFormat classification() {
        return new TargetFormat(TaskKind.CLASSIFICATION, null, null);
    }

    /** Label lists separated by {@code separator}; {@code labelNames} maps ids to names, or {@code null}. */
    public static TargetFormat multiLabel(String separator, List<String> labelNames) {
        return new TargetFormat(TaskKind.MULTI_LABEL, separator, labelNames);
    }

    /** Numeric targets. */
    public static TargetFormat regression() {
        return new TargetFormat(TaskKind.REGRESSION, null, null);
    }

    /** The format for {@code task} with the default separator and no label names. */
    public static TargetFormat of(TaskKind task) {
        return new TargetFormat(task, task == TaskKind.MULTI_LABEL ? "," : null, null);
    }

    /**
     * Checks one raw target (known not to be blank, except a multi-label target: blank means no label).
     *
     * @param where the file and line, for the message
     * @throws DataException saying what is wrong and what to do
     */
    public void check(String raw, String where) {
        switch (task) {
            case CLASSIFICATION -> { }
            case MULTI_LABEL -> labelsOf(raw, where);
            case REGRESSION -> valueOf(raw, where);
        }
    }

    /**
     * The labels of a multi-label target, as names, without repeats, in the order written; none for an empty cell
     * (an example where every label is negative).
     *
     * @throws DataException for an empty label between separators or an id outside {@link #labelNames()}
     */
    public List<String> labelsOf(String raw, String where) {
        if (raw.isBlank()) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String part : raw.split(java.util.regex.Pattern.quote(separator), -1)) {
            String token = part.strip();
            if (token.isEmpty()) {
                throw new DataException(where + ": the label list '" + Excerpt.of(raw) + "' has an empty label between"
                        + " separators '" + separator + "'. Remove the stray separator, or set the label separator"
                        + " (" + Arguments.name("labelSeparator") + ") to the one the file uses.");
            }
            out.add(labelNames == null ? token : nameOf(token, raw, where));
        }
        return List.copyOf(out);
    }

    private String nameOf(String token, String raw, String where) {
        if (labelNames.contains(token)) {
            return token;
        }
        try {
            int id = Integer.parseInt(token);
            if (id >= 0 && id < labelNames.size()) {
                return labelNames.get(id);
            }
        } catch (NumberFormatException notAnId) {
            // reported below
        }
        throw new DataException(where + ": label '" + Excerpt.of(token) + "' in '" + Excerpt.of(raw) + "' is neither a"
                + " name in the label list nor an id from 0 to " + (labelNames.size() - 1) + ". Check the label names"
                + " file (" + Arguments.name("labelNames") + ") against the data.");
    }

    /**
     * The number a regression target holds.
     *
     * @throws DataException when it is not a finite number
     */
    public double valueOf(String raw, String where) {
        try {
            double v = Double.parseDouble(raw.strip());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new DataException(where + ": target '" + Excerpt.of(raw) + "' is not a finite number, and regression needs"
                + " one per example. Check the label column (" + Arguments.name("labelColumn") + "), or train a classifier"
                + " instead (" + Arguments.name("task") + " classification).");
    }

    /**
     * Every label that the targets of {@code data} use, in a stable order: {@link #labelNames()} when given, else the
     * labels sorted as {@link LabelMap} sorts classes. Multi-label only.
     */
    public List<String> labelVocabulary(TextDataset data) {
        return labelVocabulary(data.targetColumn());
    }

    /** {@link #labelVocabulary(TextDataset)} of a target column (texts or images). */
    public List<String> labelVocabulary(TargetColumn column) {
        if (labelNames != null) {
            return labelNames;
        }
        Set<String> all = new TreeSet<>();
        column.labelLists().forEach(all::addAll);
        return LabelOrder.sorted(new ArrayList<>(all));
    }

    /**
     * The stratum of each example when {@code data} is split or sampled: its class; for multi-label data its rarest
     * label; for numbers the quantile bin of {@value #REGRESSION_STRATA}.
     */
    String[] strata(TextDataset data) {
        return strata(data.targetColumn());
    }

    /** {@link #strata(TextDataset)} of a target column (texts or images). */
    public String[] strata(TargetColumn column) {
        String[] out = new String[column.size()];
        switch (task) {
            case CLASSIFICATION -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = column.raw().get(i);
                }
            }
            case MULTI_LABEL -> {
                java.util.Map<String, Integer> counts = new java.util.HashMap<>();
                List<List<String>> sets = column.labelLists();
                sets.forEach(labels -> labels.forEach(l -> counts.merge(l, 1, Integer::sum)));
                for (int i = 0; i < out.length; i++) {
                    out[i] = sets.get(i).stream()
                            .min(java.util.Comparator.comparingInt((String l) -> counts.get(l)).thenComparing(l -> l))
                            .orElse(""); // an example with no label is a stratum of its own
                }
            }
            case REGRESSION -> {
                double[] v = column.values();
                double[] sorted = v.clone();
                Arrays.sort(sorted);
                for (int i = 0; i < v.length; i++) {
                    int rank = Arrays.binarySearch(sorted, v[i]);
                    out[i] = "q" + Math.min(REGRESSION_STRATA - 1, (int) ((long) Math.max(rank, 0) * REGRESSION_STRATA / v.length));
                }
            }
        }
        return out;
    }

    /** The file and line of {@code e}, for messages. */
    static String where(TextDataset data, TextExample e) {
        return data.source().displayName() + (e.line() > 0 ? " line " + e.line() : "");
    }

    /** The longest label names file read ({@link #readLabelNames}). */
    public static final int MAX_LABEL_NAMES_BYTES = 1 << 20;

    /**
     * Reads label names, one per line (surrounding spaces trimmed; trailing blank lines ignored), e.g. GoEmotions'
     * {@code labels.txt}.
     *
     * @throws DataException naming the file when it cannot be read, is too large, empty, or repeats or leaves out a name
     */
    public static List<String> readLabelNames(java.nio.file.Path file) {
        List<String> names = new ArrayList<>();
        try {
            if (java.nio.file.Files.size(file) > MAX_LABEL_NAMES_BYTES) {
                throw new DataException(file + " is larger than " + MAX_LABEL_NAMES_BYTES + " bytes; a label names file holds"
                        + " one name per line. Check the path (" + Arguments.name("labelNames") + ").");
            }
            List<String> lines = java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
            int last = lines.size();
            while (last > 0 && lines.get(last - 1).isBlank()) {
                last--;
            }
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < last; i++) {
                String n = lines.get(i).strip();
                if (n.isEmpty() || !seen.add(n)) {
                    throw new DataException(file + " line " + (i + 1) + (n.isEmpty() ? " is blank" : " repeats '" + Excerpt.of(n) + "'")
                            + "; a label names file holds one distinct name per line (line 1 is id 0).");
                }
                names.add(n);
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataException(file + " is not UTF-8 text; a label names file holds one name per line.");
        } catch (java.io.IOException e) {
            throw new DataException("Cannot read the label names file " + file + ": " + e.getMessage());
        }
        if (names.isEmpty()) {
            throw new DataException(file + " holds no label names; write one name per line (line 1 is id 0).");
        }
        return names;
    }

    @Override
    public String toString() {
        return task.key() + (task == TaskKind.MULTI_LABEL ? " (separator '" + separator + "')" : "");
    }

    /** {@link TaskKind#key()} in lower case, for messages. */
    String describe() {
        return task.key().toLowerCase(Locale.ROOT);
    }
}
