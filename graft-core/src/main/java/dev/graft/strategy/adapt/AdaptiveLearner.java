package dev.graft.strategy.adapt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.model.Scalars;
import dev.graft.model.head.ClassifierHead;
import dev.graft.training.BatchSource;
import dev.graft.training.DenseBatches;
import dev.graft.training.Learner;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingListener;
import java.util.List;
import java.util.Random;

/**
 * The {@link Learner} with a domain term in each step: the labelled source batch gives the
 * cross-entropy, a batch of unlabelled target features (drawn with a seeded generator, same size)
 * gives MMD between the two batches' adapter outputs, or the DANN domain loss through a
 * gradient-reversal layer with λ rising by {@link GradientReversal#schedule}. Everything else —
 * AdamW with grouped weight decay, validation on held-out source, early stopping, best-epoch
 * restoration — is the Learner's, except that DANN keeps its last epoch when
 * {@link AdaptConfig#dannSelection()} says so.
 */
final class AdaptiveLearner extends Learner {

    private final AdaptationNetwork net;
    private final AdaptMethod method;
    private final DenseBatches target;
    private final double weight;
    private final Random rng;
    private final long totalSteps;
    private long steps;

    private final boolean keepLastEpoch;

    AdaptiveLearner(AdaptationNetwork net, TrainConfig config, List<TrainingListener> listeners, AdaptMethod method,
                    float[][] target, double weight, int trainSize, boolean keepLastEpoch) {
        super(net, net, config, listeners);
        this.keepLastEpoch = keepLastEpoch;
        if (method != AdaptMethod.MMD && method != AdaptMethod.DANN) {
            throw new IllegalArgumentException("the adaptive learner trains mmd or dann, not " + method.key());
        }
        this.net = net;
        this.method = method;
        this.target = new DenseBatches(target, new int[target.length]);
        this.weight = weight;
        this.rng = new Random(config.seed() * 31 + 7);
        this.totalSteps = (long) config.epochs() * ((trainSize + config.batchSize() - 1) / config.batchSize());
    }

    /** False for DANN with {@link AdaptConfig.EpochSelection#LAST_EPOCH}: alignment is not what source validation measures. */
    @Override
    protected boolean selectsBestEpoch() {
        return !keepLastEpoch;
    }

    @Override
    protected double trainStep(NDManager step, BatchSource data, int[] indices) {
        NDArray xs = data.inputs(step, indices).singletonOrThrow();
        NDArray ys = data.labels(step, indices);
        int[] t = new int[indices.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextInt(target.size());
        }
        NDArray xt = target.inputs(step, t).singletonOrThrow();
        double lambda = GradientReversal.schedule(steps++ / (double) Math.max(1, totalSteps));
        ClassifierHead head = net.head();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            ParameterStore ps = new ParameterStore(step, false);
            NDArray hs = head.representation(ps, xs, true);
            NDArray ht = head.representation(ps, xt, true);
            NDArray loss = crossEntropy(head.logits(ps, hs, true), ys);
            NDArray domain;
            if (method == AdaptMethod.MMD) {
                domain = MultiKernelMmd.mmd2(hs, ht);
            } else {
                NDArray reversed = GradientReversal.apply(hs.concat(ht, 0), (float) lambda);
                long[] d = new long[indices.length + t.length];
                java.util.Arrays.fill(d, indices.length, d.length, 1L);
                domain = crossEntropy(net.domainLogits(ps, reversed, true), step.create(d));
            }
            NDArray total = loss.add(Scalars.mul(domain, (float) weight));
            backward(total);
            return total.getFloat();
        }
    }
}
