package dev.graft.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/** Index arithmetic for batching: shuffles, chunks and length bucketing. */
public final class Batching {

    /** Examples per sorting window in {@link #lengthBuckets}, in batches. */
    public static final int BUCKET_WINDOW_BATCHES = 50;

    private Batching() {
    }

    /** A Fisher–Yates permutation of {@code 0..n-1}. */
    public static int[] shuffled(int n, Random rng) {
        int[] a = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Consecutive batches of {@code batchSize} (the last may be smaller). */
    public static List<int[]> chunks(int[] order, int batchSize) {
        List<int[]> out = new ArrayList<>((order.length + batchSize - 1) / batchSize);
        for (int s = 0; s < order.length; s += batchSize) {
            out.add(Arrays.copyOfRange(order, s, Math.min(order.length, s + batchSize)));
        }
        return out;
    }

    /**
     * Length bucketing: shuffle, sort each window of {@link #BUCKET_WINDOW_BATCHES} batches by
     * length, cut into batches, then shuffle the batch order. Batches hold similar lengths (little
     * padding) while every epoch still sees a different, seeded order.
     */
    public static List<int[]> lengthBuckets(int n, IntUnaryOperator length, int batchSize, Random rng) {
        int[] order = shuffled(n, rng);
        int window = batchSize * BUCKET_WINDOW_BATCHES;
        List<int[]> batches = new ArrayList<>();
        for (int s = 0; s < n; s += window) {
            Integer[] w = IntStream.range(s, Math.min(n, s + window)).mapToObj(k -> order[k]).toArray(Integer[]::new);
            Arrays.sort(w, (a, b) -> Integer.compare(length.applyAsInt(a), length.applyAsInt(b)));
            batches.addAll(chunks(Arrays.stream(w).mapToInt(Integer::intValue).toArray(), batchSize));
        }
        int[] perm = shuffled(batches.size(), rng);
        List<int[]> out = new ArrayList<>(batches.size());
        for (int p : perm) {
            out.add(batches.get(p));
        }
        return out;
    }
}
