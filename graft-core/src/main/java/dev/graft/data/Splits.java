package dev.graft.data;

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
     * @param valFraction  fraction for validation, in [0, 1)
     * @param testFraction fraction for test, in [0, 1); 0 means no test set
     * @throws IllegalArgumentException for fractions outside [0, 1) or summing to 1 or more
     * @throws DataException            when the resulting training set has a single class
     */
    public static DatasetSplits stratified(TextDataset data, double valFraction, double testFraction, long seed) {
        checkFraction("valFraction", valFraction);
        checkFraction("testFraction", testFraction);
        if (valFraction + testFraction >= 1.0) {
            throw new IllegalArgumentException("valFraction + testFraction must be < 1, got "
                    + (valFraction + testFraction));
        }
        Map<String, List<Integer>> byClass = new LinkedHashMap<>();
        for (String label : LabelMap.classCounts(data).keySet()) {
            byClass.put(label, new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            byClass.get(data.get(i).label()).add(i);
        }
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
        String suffix = " (seed " + seed + ")";
        TextDataset train = data.derive(data.name() + " [train split" + suffix + "]", parts.get(0));
        TextDataset val = data.derive(data.name() + " [val split" + suffix + "]", parts.get(1));
        Optional<TextDataset> test = testFraction > 0
                ? Optional.of(data.derive(data.name() + " [test split" + suffix + "]", parts.get(2)))
                : Optional.empty();
        return new DatasetSplits(train, val, test);
    }

    /**
     * A stratified sample of at most {@code maxExamples} examples: each class keeps its share
     * (at least one example), chosen with {@code seed}; examples keep their file order.
     *
     * @return {@code data} itself when it is not larger than {@code maxExamples}
     */
    public static TextDataset subsample(TextDataset data, int maxExamples, long seed) {
        if (maxExamples < 2) {
            throw new IllegalArgumentException("--max-train must be at least 2, got " + maxExamples);
        }
        if (data.size() <= maxExamples) {
            return data;
        }
        double keep = maxExamples / (double) data.size();
        Map<String, List<Integer>> byClass = new LinkedHashMap<>();
        for (int i = 0; i < data.size(); i++) {
            byClass.computeIfAbsent(data.get(i).label(), k -> new ArrayList<>()).add(i);
        }
        Random random = new Random(seed);
        boolean[] chosen = new boolean[data.size()];
        for (List<Integer> members : byClass.values()) {
            Collections.shuffle(members, random);
            int k = Math.max(1, (int) Math.round(members.size() * keep));
            for (int j = 0; j < k; j++) {
                chosen[members.get(j)] = true;
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
