package dev.graft.training;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.graft.model.LayerGroup;
import dev.graft.model.NamedParameters;
import dev.graft.model.Splittable;
import dev.graft.training.optim.GroupedOptimizer;
import dev.graft.training.optim.ParamGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The learning-rate range test (Smith 2017; fastai's {@code lr_find}): train for a few steps while
 * the learning rate grows exponentially, record the smoothed loss, and suggest a rate inside its
 * longest descent (fastai's "valley"). The model's weights and trainability are restored afterwards and the
 * optimiser used is a throw-away one, so the model is exactly as it was; the same seed gives the
 * same curve and suggestion.
 */
public final class LrFinder {

    /**
     * The sweep's outcome.
     *
     * @param learningRates base learning rate at each step
     * @param losses        exponentially smoothed, bias-corrected training loss at each step
     * @param suggestion    rate inside the longest descent of the smoothed loss (fastai's "valley")
     * @param minimumLossLr rate at the lowest smoothed loss (a suggestion should sit well below it)
     */
    public record Result(List<Double> learningRates, List<Double> losses, double suggestion, double minimumLossLr) {
    }

    private final double startLr;
    private final double endLr;
    private final int steps;

    /** A sweep from {@code startLr} to {@code endLr} over at most {@code steps} optimiser steps. */
    public LrFinder(double startLr, double endLr, int steps) {
        if (!(startLr > 0 && endLr > startLr) || steps < 5) {
            throw new IllegalArgumentException("LR finder needs 0 < start < end and at least 5 steps, got "
                    + startLr + ", " + endLr + ", " + steps);
        }
        this.startLr = startLr;
        this.endLr = endLr;
        this.steps = steps;
    }

    /** fastai's defaults: 1e-7 to 10 over 100 steps. */
    public static LrFinder defaults() {
        return new LrFinder(1e-7, 10, 100);
    }

    /**
     * Runs the sweep with {@code learner}'s model, batch size, plan (freezing as in its first
     * epoch, differential rates as ratios of the swept base rate) and seed.
     */
    public Result run(Learner learner, Block model, NamedParameters named, TrainingPlan plan, BatchSource train) {
        Map<String, Parameter> params = named.namedParameters();
        ParameterSnapshot weights = ParameterSnapshot.of(params);
        Map<String, Boolean> trainable = new HashMap<>();
        params.forEach((n, p) -> trainable.put(n, p.requiresGradient()));
        List<LayerGroup> groups = named instanceof Splittable s ? s.layerGroups()
                : List.of(new LayerGroup("all", List.copyOf(params.keySet()), true));
        TrainConfig config = learner.config();
        if (plan.freeze() != null) {
            var names = plan.freeze().trainable(1, groups);
            for (LayerGroup g : groups) {
                g.parameters().forEach(n -> params.get(n).freeze(!names.contains(g.name())));
            }
        }
        List<ParamGroup> paramGroups = plan.rates() != null ? plan.rates().paramGroups(groups)
                : ParamGroup.withDecayRule("all", List.copyOf(params.keySet()), 1.0, config.weightDecay());
        NDManager base = params.values().iterator().next().getArray().getManager();
        List<Double> lrs = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        Learner.seed(config.seed());
        try (NDManager state = base.newSubManager()) {
            GroupedOptimizer optimizer = plan.optimizer().build(params, paramGroups, state);
            double avg = 0;
            double best = Double.POSITIVE_INFINITY;
            int epoch = 0;
            List<int[]> batches = List.of();
            int b = 0;
            for (int step = 0; step < steps; step++) {
                if (b == batches.size()) {
                    batches = train.epochBatches(config.batchSize(), new Random(config.seed() * 1_000_003L + (++epoch)));
                    b = 0;
                }
                double lr = startLr * Math.pow(endLr / startLr, step / (double) (steps - 1));
                double loss;
                try (NDManager scope = base.newSubManager()) {
                    loss = learner.trainStep(scope, train, batches.get(b++));
                }
                if (plan.optimizer().maxGradNorm() > 0) {
                    GradientClipping.clip(params.values(), plan.optimizer().maxGradNorm());
                }
                optimizer.step(lr);
                avg = 0.98 * avg + 0.02 * loss;
                double smoothed = avg / (1 - Math.pow(0.98, step + 1));
                if (!Double.isFinite(smoothed)) {
                    break;
                }
                lrs.add(lr);
                losses.add(smoothed);
                best = Math.min(best, smoothed);
                if (step > 5 && smoothed > 4 * best) {
                    break;
                }
            }
        } finally {
            weights.restore(params);
            params.forEach((n, p) -> {
                if (p.requiresGradient() != trainable.get(n)) {
                    p.freeze(!trainable.get(n));
                }
            });
        }
        return new Result(lrs, losses, suggest(lrs, losses), lrs.get(argmin(losses)));
    }

    /**
     * The suggested rate, by fastai's "valley" rule: find the longest stretch over which the smoothed loss keeps
     * falling (the longest decreasing subsequence of the curve) and take the point a half-section past its first third.
     * Unlike the single steepest step, it is not drawn to a noisy first few steps while the loss goes on falling for
     * decades of learning rate after them. Only the curve up to its lowest point is searched, so the suggestion sits
     * below the rate of the minimum loss.
     */
    static double suggest(List<Double> lrs, List<Double> losses) {
        int n = argmin(losses) + 1;
        if (n < 3) {
            return lrs.get(0);
        }
        int[] lds = new int[n];
        java.util.Arrays.fill(lds, 1);
        int maxStart = 0;
        int maxEnd = 0;
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (losses.get(i) < losses.get(j) && lds[i] < lds[j] + 1) {
                    lds[i] = lds[j] + 1;
                }
            }
            if (lds[maxEnd] < lds[i]) {
                maxEnd = i;
                maxStart = maxEnd - lds[maxEnd];
            }
        }
        double sections = (maxEnd - maxStart) / 3.0;
        int idx = Math.max(0, Math.min(n - 1, maxStart + (int) sections + (int) (sections / 2)));
        return lrs.get(idx);
    }

    private static int argmin(List<Double> v) {
        int k = 0;
        for (int i = 1; i < v.size(); i++) {
            if (v.get(i) < v.get(k)) {
                k = i;
            }
        }
        return k;
    }
}
