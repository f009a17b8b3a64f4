package dev.graft.data;

import dev.graft.util.Arguments;
import dev.graft.util.Excerpt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The class labels of a task, mapped to indices {@code 0..size()-1} in a stable order (see
 * {@link #of}): numeric when all labels are integers, otherwise lexicographic. Immutable.
 */
public final class LabelMap {

    /** Largest-to-smallest class size ratio from which {@link #imbalanceWarning} warns. */
    public static final double IMBALANCE_RATIO = 5.0;

    private final List<String> labels;
    private final Map<String, Integer> index;

    private LabelMap(List<String> sortedLabels) {
        this.labels = List.copyOf(sortedLabels);
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            m.put(labels.get(i), i);
        }
        this.index = Map.copyOf(m);
    }

    /**
     * A map over the given labels (duplicates ignored), sorted numerically when all are integers and
     * lexicographically otherwise. Use this to restore a saved map; use {@link #fromTraining} for data.
     *
     * @throws IllegalArgumentException when no labels are given
     */
    public static LabelMap of(List<String> labels) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("A label map needs at least one label");
        }
        return new LabelMap(LabelOrder.sorted(labels));
    }

    /**
     * A map over {@code labels} in the order given (index = position), e.g. a multi-label task's label list.
     *
     * @throws IllegalArgumentException when no labels are given or one repeats
     */
    public static LabelMap ofOrdered(List<String> labels) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("A label map needs at least one label");
        }
        if (new java.util.HashSet<>(labels).size() != labels.size()) {
            throw new IllegalArgumentException("labels repeat: " + labels);
        }
        return new LabelMap(labels);
    }

    /**
     * The labels of a training set.
     *
     * @throws DataException when the training set has fewer than two classes
     */
    public static LabelMap fromTraining(TextDataset train) {
        List<String> all = new ArrayList<>(train.size());
        train.forEach(e -> all.add(e.label()));
        List<String> sorted = LabelOrder.sorted(all);
        if (sorted.size() < 2) {
            throw new DataException("Training a classifier needs at least two classes, "
                    + (sorted.isEmpty() ? "but " + train.source().displayName() + " has no examples"
                    : "found only '" + Excerpt.of(sorted.get(0)) + "' in " + describe(train))
                    + ". Check the label column (" + Arguments.name("labelColumn") + ") or add examples of the other classes.");
        }
        return new LabelMap(sorted);
    }

    /** Number of classes. */
    public int size() {
        return labels.size();
    }

    /** The labels in index order (unmodifiable). */
    public List<String> labels() {
        return labels;
    }

    /** The label with index {@code i}. */
    public String label(int i) {
        if (i < 0 || i >= labels.size()) {
            throw new IndexOutOfBoundsException("Class index " + i + " out of range 0.." + (labels.size() - 1));
        }
        return labels.get(i);
    }

    /** True when {@code label} is one of the classes. */
    public boolean contains(String label) {
        return index.containsKey(label);
    }

    /**
     * The index of {@code label}.
     *
     * @throws DataException for a label that is not one of the classes
     */
    public int indexOf(String label) {
        Integer i = index.get(label);
        if (i == null) {
            throw new DataException("Unknown label '" + Excerpt.of(label) + "'; the known labels are " + Excerpt.list(labels) + ".");
        }
        return i;
    }

    /**
     * Checks that every label of {@code other} (a validation or test set) is one of the classes.
     *
     * @throws DataException naming the first unknown label, its file and line, and the fix
     */
    public void requireKnownLabels(TextDataset other) {
        Map<String, List<Integer>> unknown = new LinkedHashMap<>();
        for (TextExample e : other) {
            if (!index.containsKey(e.label())) {
                unknown.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e.line());
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        Map.Entry<String, List<Integer>> first = unknown.entrySet().iterator().next();
        List<Integer> lines = first.getValue();
        String where = lines.get(0) > 0 ? " (line " + lines.get(0) + (lines.size() > 1 ? " and " + (lines.size() - 1)
                + " more row" + (lines.size() > 2 ? "s" : "") : "") + ")" : "";
        String others = unknown.size() > 1 ? " Other unknown labels: " + Excerpt.list(new ArrayList<>(unknown.keySet())
                .subList(1, unknown.size())) + "." : "";
        String alike = labels.stream().filter(l -> sameApartFromCaseAndSpacing(l, first.getKey())).findFirst()
                .map(l -> " (The training data has '" + Excerpt.of(l) + "': labels differ when their case or spacing does.)")
                .orElse("");
        throw new DataException("Label '" + Excerpt.of(first.getKey()) + "' appears in " + describe(other) + where
                + " but never in the training data; the model can only predict the training"
                + " labels " + Excerpt.list(labels) + "." + alike + others + " Add training examples with this label, or fix"
                + " or remove these rows.");
    }

    /** The file of {@code d}, followed by its name in parentheses when that says more (e.g. a split). */
    private static String describe(TextDataset d) {
        String file = d.source().displayName();
        Path path = d.source().path();
        boolean sameName = d.name().equals(file) || (path != null && path.getFileName() != null
                && d.name().equals(path.getFileName().toString()));
        return sameName ? file : file + " (" + d.name() + ")";
    }

    /** Number of examples per label of {@code dataset}, in label order (see {@link #of}). */
    public static Map<String, Integer> classCounts(TextDataset dataset) {
        Map<String, Integer> counts = new HashMap<>();
        dataset.forEach(e -> counts.merge(e.label(), 1, Integer::sum));
        Map<String, Integer> ordered = new LinkedHashMap<>();
        for (String label : LabelOrder.sorted(counts.keySet())) {
            ordered.put(label, counts.get(label));
        }
        return ordered;
    }

    /**
     * A warning when the largest class of {@code dataset} has at least {@link #IMBALANCE_RATIO}
     * times as many examples as the smallest, naming both classes and their counts.
     */
    public static Optional<String> imbalanceWarning(TextDataset dataset) {
        Map<String, Integer> counts = classCounts(dataset);
        if (counts.size() < 2) {
            return Optional.empty();
        }
        Map.Entry<String, Integer> max = null;
        Map.Entry<String, Integer> min = null;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (max == null || e.getValue() > max.getValue()) {
                max = e;
            }
            if (min == null || e.getValue() < min.getValue()) {
                min = e;
            }
        }
        double ratio = (double) max.getValue() / min.getValue();
        if (ratio < IMBALANCE_RATIO) {
            return Optional.empty();
        }
        return Optional.of(String.format(java.util.Locale.ROOT,
                "Class imbalance in %s: '%s' has %d examples but '%s' only %d (%.1f:1). Accuracy will look good"
                        + " even if '%s' is never predicted; watch per-class recall or F1, and consider adding"
                        + " examples of '%s'.",
                dataset.name(), Excerpt.of(max.getKey()), max.getValue(), Excerpt.of(min.getKey()), min.getValue(), ratio,
                Excerpt.of(min.getKey()), Excerpt.of(min.getKey())));
    }

    /**
     * A warning naming the labels of {@code dataset} that differ only in letter case or in the spacing
     * inside them (e.g. {@code Spam}, {@code spam} and {@code SPAM}), each group with its counts: such
     * labels are separate classes (labels are compared exactly, after trimming the spaces around them),
     * which is rarely what was meant.
     */
    public static Optional<String> similarLabelsWarning(TextDataset dataset) {
        Map<String, Integer> counts = classCounts(dataset);
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String label : counts.keySet()) {
            groups.computeIfAbsent(caseAndSpacingKey(label), k -> new ArrayList<>()).add(label);
        }
        List<String> described = new ArrayList<>();
        for (List<String> group : groups.values()) {
            if (group.size() > 1) {
                described.add(Excerpt.list(group.stream().map(l -> "'" + Excerpt.of(l) + "' (" + counts.get(l) + ")").toList()));
            }
        }
        if (described.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Labels in " + dataset.name() + " that differ only in letter case or spacing are separate classes: "
                + Excerpt.list(described) + ". If they mean the same class, write them the same way in the data.");
    }

    private static boolean sameApartFromCaseAndSpacing(String a, String b) {
        return caseAndSpacingKey(a).equals(caseAndSpacingKey(b));
    }

    private static String caseAndSpacingKey(String label) {
        return label.strip().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMap other && labels.equals(other.labels);
    }

    @Override
    public int hashCode() {
        return labels.hashCode();
    }

    @Override
    public String toString() {
        return "LabelMap" + labels;
    }
}
