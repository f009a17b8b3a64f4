package dev.graft.metrics.linear;

import java.util.SplittableRandom;

/** Deterministic assignment of examples to cross-validation folds. */
final class Folds {

    private Folds() {
    }

    /**
     * Shuffles the examples with {@code seed} and deals them to {@code k} folds in turn, so fold sizes differ by at
     * most one.
     *
     * @return the fold of each example, in {@code [0, k)}
     */
    static int[] shuffled(int n, int k, long seed) {
        int[] perm = permutation(n, new SplittableRandom(seed));
        int[] fold = new int[n];
        for (int r = 0; r < n; r++) {
            fold[perm[r]] = r % k;
        }
        return fold;
    }

    /**
     * Stratified folds: each class's examples are shuffled with {@code seed} and dealt to the folds in turn,
     * continuing where the previous class stopped, so every fold gets a near-equal share of every class.
     *
     * @param classes class of each example, in {@code [0, numClasses)}
     * @return the fold of each example, in {@code [0, k)}
     */
    static int[] stratified(int[] classes, int numClasses, int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] count = new int[numClasses];
        for (int c : classes) {
            count[c]++;
        }
        int[][] members = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            members[c] = new int[count[c]];
        }
        int[] filled = new int[numClasses];
        for (int i = 0; i < classes.length; i++) {
            members[classes[i]][filled[classes[i]]++] = i;
        }
        int[] fold = new int[classes.length];
        int next = 0;
        for (int c = 0; c < numClasses; c++) {
            int[] perm = permutation(members[c].length, random);
            for (int r = 0; r < perm.length; r++) {
                fold[members[c][perm[r]]] = next;
                next = (next + 1) % k;
            }
        }
        return fold;
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
