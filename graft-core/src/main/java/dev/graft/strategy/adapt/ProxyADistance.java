package dev.graft.strategy.adapt;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.training.Batching;
import dev.graft.training.DenseBatches;
import dev.graft.training.Inference;
import dev.graft.training.Learner;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import java.util.List;
import java.util.Random;

/**
 * Proxy A-distance (Ben-David et al. 2007): how well a linear classifier tells the two domains'
 * features apart, {@code 2(1 − 2ε)} with ε its error on held-out features. Near 2: the domains
 * are easily separated; near 0: indistinguishable (an error above chance counts as 0). Equal numbers of examples are drawn from both
 * domains (seeded), standardised with the training rows' statistics, and split 60/20/20 into train,
 * validation (early stopping on its loss) and test (ε).
 */
public final class ProxyADistance {

    private ProxyADistance() {
    }

    /** The proxy A-distance between feature sets {@code a} and {@code b}, at most {@code maxPerDomain} rows of each. */
    public static double of(float[][] a, float[][] b, int maxPerDomain, long seed) {
        int n = Math.min(Math.min(a.length, b.length), maxPerDomain);
        if (n < 10) {
            throw new IllegalArgumentException("the proxy A-distance needs at least 10 examples per domain, got " + n);
        }
        Random rng = new Random(seed);
        int[] ia = Batching.shuffled(a.length, rng);
        int[] ib = Batching.shuffled(b.length, rng);
        float[][] x = new float[2 * n][];
        int[] y = new int[2 * n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = a[ia[i]];
            x[2 * i + 1] = b[ib[i]];
            y[2 * i + 1] = 1;
        }
        int[] order = Batching.shuffled(2 * n, rng);
        int trainEnd = (int) Math.round(0.6 * 2 * n);
        int valEnd = (int) Math.round(0.8 * 2 * n);
        x = standardised(x, order, trainEnd);
        DenseBatches train = subset(x, y, order, 0, trainEnd);
        DenseBatches val = subset(x, y, order, trainEnd, valEnd);
        DenseBatches test = subset(x, y, order, valEnd, 2 * n);
        Learner.seed(seed);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            ClassifierHead linear = new ClassifierHead(new HeadConfig(a[0].length, 2, 0, 0.0));
            linear.initialize(manager);
            TrainConfig config = TrainConfig.defaults().withSeed(seed).withEpochs(50).withPatience(10).withBatchSize(64)
                    .withMonitor(Monitor.parse("loss"));
            Learner learner = new Learner(linear, linear, config, List.of());
            learner.fit(train, val);
            float[][] p = learner.predictProbabilities(test);
            int[] gold = test.labels();
            int wrong = 0;
            for (int i = 0; i < p.length; i++) {
                if (Inference.argmax(p[i]) != gold[i]) {
                    wrong++;
                }
            }
            double error = wrong / (double) p.length;
            // a held-out error above chance is noise around 0.5, not a distance below 0
            return Math.max(0, 2 * (1 - 2 * error));
        }
    }

    /** Every feature centred and scaled by the training rows' mean and standard deviation (so the distance does not depend on the features' scale). */
    private static float[][] standardised(float[][] x, int[] order, int trainEnd) {
        int d = x[0].length;
        double[] mean = new double[d];
        double[] sq = new double[d];
        for (int i = 0; i < trainEnd; i++) {
            float[] r = x[order[i]];
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
                sq[j] += (double) r[j] * r[j];
            }
        }
        float[][] out = new float[x.length][d];
        for (int j = 0; j < d; j++) {
            mean[j] /= trainEnd;
            double sd = Math.sqrt(Math.max(sq[j] / trainEnd - mean[j] * mean[j], 0));
            sq[j] = sd > 1e-8 ? 1 / sd : 1;
        }
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) ((x[i][j] - mean[j]) * sq[j]);
            }
        }
        return out;
    }

    private static DenseBatches subset(float[][] x, int[] y, int[] order, int from, int to) {
        float[][] sx = new float[to - from][];
        int[] sy = new int[to - from];
        for (int i = from; i < to; i++) {
            sx[i - from] = x[order[i]];
            sy[i - from] = y[order[i]];
        }
        return new DenseBatches(sx, sy);
    }
}
