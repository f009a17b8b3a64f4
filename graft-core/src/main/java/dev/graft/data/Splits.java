package dev.graft.data;

import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Builds {@link DatasetSplits}: stratified random splits of one dataset, or the composition of
 * user-given train/validation/test files.
 */
public final class Splits {

    /** Fraction of the training file split off for validation when no validation file is given. */
    public static final double DEFAULT_VAL_FRACTION = 0.1;

    private Splits() {
    }

    /**
     * Splits {@code data} into train, validation and test sets, stratified by label.
     *
     * <p>For each class (in label order) its examples are shuffled with a {@link Random} seeded once
     * with {@code seed}, then the first {@code round(n * testFraction)} go to test and the next
     * {@code round(n * valFraction)} to validation, the rest to train. Every class with at least 3
     * examples gets at least one example in each split whose fraction is positive, and every class
     * keeps at least one training example. Within each split, examples keep their file order. The
     * same data and seed always give the same split.
     *
     * <p>Feasibility is checked before anything is trained on the split: the data needs two classes,
     * and a positive fraction must give its split at least one example (a class needs about
     * {@code 1/(2·fraction)} examples for its share to round to one, and every class with 3 examples
     * or more gives one).
     *
     * @param valFraction  fraction for validation, in [0, 1)
     * @param testFraction fraction for test, in [0, 1); 0 means no test set
     * @throws IllegalArgumentException for fractions outside [0, 1) or summing to 1 or more
     * @throws DataException            when the data has a single class, or a positive fraction
     *                                  leaves its split without examples
     */
    public static DatasetSplits stratified(TextDataset data, double valFraction, double testFraction, long seed) {
        checkFraction("valFraction", valFraction);
        checkFraction("testFraction", testFraction);
        if (valFraction + testFraction >= 1.0) {
            throw new IllegalArgumentException("valFraction + testFraction must be < 1, got "
                    + (valFraction + testFraction));
        }
        Map<String, List<Integer>> byClass = strata(data);
        Random random = new Random(seed);
        int[] assignment = new int[data.size()]; // 0 train, 1 val, 2 test
        for (List<Integer> members : byClass.values()) {
            Collections.shuffle(members, random);
            int n = members.size();
            int nTest = share(n, testFraction);
            int nVal = share(n, valFraction);
            while (n - nTest - nVal < 1) {
                if (nVal >= nTest && nVal > 0) {
                    nVal--;
                } else {
                    nTest--;
                }
            }
            for (int k = 0; k < n; k++) {
                assignment[members.get(k)] = k < nTest ? 2 : k < nTest + nVal ? 1 : 0;
            }
        }
        List<List<TextExample>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < data.size(); i++) {
            parts.get(assignment[i]).add(data.get(i));
        }
        requireExamples(data, "validation", Arguments.name("valFraction"), Arguments.name("valFile"), valFraction, parts.get(1), byClass);
        requireExamples(data, "test", Arguments.name("testFraction"), Arguments.name("testFile"), testFraction, parts.get(2), byClass);
        String suffix = " (seed " + seed + ")";
        TextDataset train = data.derive(data.name() + " [train split" + suffix + "]", parts.get(0));
        TextDataset val = data.derive(data.name() + " [val split" + suffix + "]", parts.get(1));
        Optional<TextDataset> test = testFraction > 0
                ? Optional.of(data.derive(data.name() + " [test split" + suffix + "]", parts.get(2)))
                : Optional.empty();
        return new DatasetSplits(train, val, test);
    }

    private static void requireExamples(TextDataset data, String split, String argument, String fileFlag, double fraction,
                                        List<TextExample> part, Map<String, List<Integer>> byClass) {
        if (fraction <= 0 || !part.isEmpty()) {
            return;
        }
        int largest = byClass.values().stream().mapToInt(List::size).max().orElse(0);
        throw new DataException("A " + split + " share of " + fraction + " (" + argument + ") of " + data.name() + " ("
                + data.size() + " examples) gives the " + split + " split no examples: no class is large enough for its"
                + " share to round to one example (the largest has " + largest + "; every class with 3 or more gives one)."
                + " Add examples, raise the share, or give a separate " + split + " file (" + fileFlag + ").");
    }

    /**
     * A stratified sample of at most {@code maxExamples} examples: each class keeps its share
     * (at least one example), chosen with {@code seed}; examples keep their file order. Shares are
     * rounded per class; when the rounded shares add up to more than {@code maxExamples}, the
     * largest shares give up one example each (the first such class in order of appearance first)
     * until they fit.
     *
     * @return {@code data} itself when it is not larger than {@code maxExamples}
     * @throws DataException when {@code data} has more classes than {@code maxExamples}, so that
     *                       no sample of that size can keep every class
     */
    public static TextDataset subsample(TextDataset data, int maxExamples, long seed) {
        if (maxExamples < 2) {
            throw new IllegalArgumentException(Arguments.name("maxTrain") + " must be at least 2, got " + maxExamples);
        }
        if (data.size() <= maxExamples) {
            return data;
        }
        double keep = maxExamples / (double) data.size();
        Map<String, List<Integer>> byClass = new LinkedHashMap<>();
        String[] strata = data.task() == TaskKind.CLASSIFICATION ? null : data.targets().strata(data);
        for (int i = 0; i < data.size(); i++) {
            byClass.computeIfAbsent(strata == null ? data.get(i).label() : strata[i], k -> new ArrayList<>()).add(i);
        }
        if (byClass.size() > maxExamples) {
            throw new DataException(data.name() + " has " + byClass.size() + " classes, more than the " + maxExamples
                    + " examples allowed (" + Arguments.name("maxTrain") + "): a stratified sample keeps at least one example of every"
                    + " class. Allow at least " + byClass.size() + " examples, or check the label column (" + Arguments.name("labelColumn") + "):"
                    + " that many classes can also mean it is not the column you meant.");
        }
        Random random = new Random(seed);
        List<List<Integer>> members = new ArrayList<>(byClass.values());
        int[] take = new int[members.size()];
        int total = 0;
        for (int c = 0; c < members.size(); c++) {
            Collections.shuffle(members.get(c), random);
            take[c] = Math.max(1, (int) Math.round(members.get(c).size() * keep));
            total += take[c];
        }
        for (; total > maxExamples; total--) {
            int largest = 0;
            for (int c = 1; c < take.length; c++) {
                if (take[c] > take[largest]) {
                    largest = c;
                }
            }
            take[largest]--; // >= 2 here: the classes fit, so some share exceeds one
        }
        boolean[] chosen = new boolean[data.size()];
        for (int c = 0; c < members.size(); c++) {
            for (int j = 0; j < take[c]; j++) {
                chosen[members.get(c).get(j)] = true;
            }
        }
        List<TextExample> subset = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (chosen[i]) {
                subset.add(data.get(i));
            }
        }
        return data.derive(data.name() + " [sample of " + subset.size() + ", seed " + seed + "]", subset);
    }

    /**
     * Composes user-given datasets. Without a validation set, {@link #DEFAULT_VAL_FRACTION} of
     * {@code train} is split off (stratified, with {@code seed}).
     *
     * @param val  the validation set, or {@code null}
     * @param test the test set, or {@code null}
     * @throws DataException when labels do not fit (see {@link DatasetSplits})
     */
    public static DatasetSplits withDatasets(TextDataset train, TextDataset val, TextDataset test, long seed) {
        if (val == null) {
            DatasetSplits split = stratified(train, DEFAULT_VAL_FRACTION, 0.0, seed);
            return new DatasetSplits(split.train(), split.val(), Optional.ofNullable(test));
        }
        return new DatasetSplits(train, val, Optional.ofNullable(test));
    }

    /**
     * Reads and composes user-given files, all with the same options; see
     * {@link #withDatasets}.
     *
     * @param valFile  the validation file, or {@code null} to split one off the training file
     * @param testFile the test file, or {@code null}
     */
    public static DatasetSplits withFiles(Path trainFile, Path valFile, Path testFile, DataOptions options, long seed) {
        TextDataset train = TextDataReader.read(trainFile, options);
        TextDataset val = valFile == null ? null : TextDataReader.read(valFile, options);
        TextDataset test = testFile == null ? null : TextDataReader.read(testFile, options);
        return withDatasets(train, val, test, seed);
    }

    /**
     * The examples of each stratum, by index: of each class (in label order; the data needs two classes at least, else
     * a clear message naming it), or for label lists and numbers of each {@link TargetFormat} stratum (sorted).
     */
    private static Map<String, List<Integer>> strata(TextDataset data) {
        Map<String, List<Integer>> byStratum = new LinkedHashMap<>();
        if (data.task() == TaskKind.CLASSIFICATION) {
            LabelMap.fromTraining(data);
            for (String label : LabelMap.classCounts(data).keySet()) {
                byStratum.put(label, new ArrayList<>());
            }
            for (int i = 0; i < data.size(); i++) {
                byStratum.get(data.get(i).label()).add(i);
            }
            return byStratum;
        }
        String[] strata = data.targets().strata(data);
        Map<String, List<Integer>> sorted = new java.util.TreeMap<>();
        for (int i = 0; i < strata.length; i++) {
            sorted.computeIfAbsent(strata[i], k -> new ArrayList<>()).add(i);
        }
        byStratum.putAll(sorted);
        return byStratum;
    }

    private static int share(int n, double fraction) {
        if (fraction <= 0) {
            return 0;
        }
        int k = (int) Math.round(n * fraction);
        return n >= 3 ? Math.max(1, k) : k;
    }

    private static void checkFraction(String name, double f) {
        if (!(f >= 0 && f < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + f);
        }
    }
}
