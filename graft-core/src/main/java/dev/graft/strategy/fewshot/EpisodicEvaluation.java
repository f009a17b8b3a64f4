package dev.graft.strategy.fewshot;

import dev.graft.util.Arguments;
import dev.graft.util.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Episodic few-shot evaluation on fixed embeddings: each episode draws N classes, K support and Q
 * query examples per class (without overlap), builds {@link Prototypes} from the support set and
 * scores the queries. Episodes come from one seeded generator, so the same seed gives the same
 * episodes and the same accuracies.
 */
public final class EpisodicEvaluation {

    private EpisodicEvaluation() {
    }

    /**
     * Runs {@code spec.episodes()} episodes over a pool.
     *
     * @param x          embeddings of the pool
     * @param y          class index of every pool example
     * @param classNames names of the classes (index order), for messages
     * @throws IllegalArgumentException when fewer than N classes have K + Q examples
     */
    public static EpisodicResult run(float[][] x, int[] y, List<String> classNames, EpisodeSpec spec, Distance distance,
                                     Progress progress) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " embeddings but " + y.length + " labels");
        }
        int need = spec.shot() + spec.queries();
        List<int[]> byClass = new ArrayList<>();
        List<String> tooSmall = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            int cls = c;
            int[] members = java.util.stream.IntStream.range(0, y.length).filter(i -> y[i] == cls).toArray();
            if (members.length >= need) {
                byClass.add(members);
            } else {
                tooSmall.add(classNames.get(c) + " (" + members.length + ")");
            }
        }
        if (byClass.size() < spec.way()) {
            throw new IllegalArgumentException(spec.way() + "-way " + spec.shot() + "-shot episodes with " + spec.queries()
                    + " queries need " + spec.way() + " classes with at least " + need + " examples each, but only " + byClass.size()
                    + " have that many" + (tooSmall.isEmpty() ? "" : "; too small: " + String.join(", ", tooSmall))
                    + ". Lower " + Arguments.name("way") + ", " + Arguments.name("shot") + " or " + Arguments.name("queries") + ", or add examples.");
        }
        Random rng = new Random(spec.seed());
        double[] acc = new double[spec.episodes()];
        progress.start("episodes", spec.episodes());
        for (int e = 0; e < spec.episodes(); e++) {
            acc[e] = episode(x, byClass, spec, distance, rng);
            progress.step(1);
        }
        progress.done();
        return EpisodicResult.of(spec, acc);
    }

    private static double episode(float[][] x, List<int[]> byClass, EpisodeSpec spec, Distance distance, Random rng) {
        int[] classes = partialShuffle(byClass.size(), spec.way(), rng);
        float[][] support = new float[spec.way() * spec.shot()][];
        int[] supportY = new int[support.length];
        int correct = 0;
        List<float[]> queries = new ArrayList<>();
        List<Integer> queryY = new ArrayList<>();
        for (int k = 0; k < spec.way(); k++) {
            int[] members = byClass.get(classes[k]);
            int[] pick = partialShuffle(members.length, spec.shot() + spec.queries(), rng);
            for (int s = 0; s < spec.shot(); s++) {
                support[k * spec.shot() + s] = x[members[pick[s]]];
                supportY[k * spec.shot() + s] = k;
            }
            for (int q = spec.shot(); q < pick.length; q++) {
                queries.add(x[members[pick[q]]]);
                queryY.add(k);
            }
        }
        Prototypes p = Prototypes.fit(support, supportY, spec.way(), distance);
        for (int q = 0; q < queries.size(); q++) {
            if (p.classify(queries.get(q)) == queryY.get(q)) {
                correct++;
            }
        }
        return correct / (double) queries.size();
    }

    /** The first {@code k} entries of a uniformly shuffled {@code 0..n-1} (Fisher–Yates, stopped early). */
    static int[] partialShuffle(int n, int k, Random rng) {
        int[] a = java.util.stream.IntStream.range(0, n).toArray();
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return java.util.Arrays.copyOf(a, k);
    }
}
