package dev.graft.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.task.ClassificationTask;
import dev.graft.task.RegressionTask;
import dev.graft.task.Targets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bootstrap standard error agrees with the closed forms where they exist, and is fixed by its seed. */
class BootstrapErrorTest {

    @Test
    void accuracyMatchesTheBinomialStandardError() {
        int n = 600;
        int[] gold = new int[n];
        float[][] out = new float[n][];
        Random r = new Random(5);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            gold[i] = i % 3;
            boolean right = r.nextDouble() < 0.8;
            correct += right ? 1 : 0;
            int predicted = right ? gold[i] : (gold[i] + 1) % 3;
            out[i] = new float[3];
            out[i][predicted] = 0.9f;
            out[i][(predicted + 1) % 3] = 0.1f;
        }
        double p = (double) correct / n;
        double closedForm = Math.sqrt(p * (1 - p) / n);
        ClassificationTask task = ClassificationTask.unnamed(3);
        double se = BootstrapError.standardError(task, out, new Targets.Classes(gold), "accuracy", 42, 2000);
        assertEquals(closedForm, se, 0.1 * closedForm, "bootstrap " + se + " vs sqrt(p(1-p)/n) " + closedForm);
        assertEquals(se, BootstrapError.standardError(task, out, new Targets.Classes(gold), "accuracy", 42, 2000), 0.0, "same seed");
        assertNotEquals(se, BootstrapError.standardError(task, out, new Targets.Classes(gold), "accuracy", 43, 2000));
    }

    @Test
    void rmseMatchesTheDeltaMethod() {
        int n = 800;
        double[] gold = new double[n];
        float[][] out = new float[n][1];
        Random r = new Random(9);
        double[] sq = new double[n];
        for (int i = 0; i < n; i++) {
            gold[i] = r.nextGaussian() * 2;
            double e = r.nextGaussian() * 0.5;
            out[i][0] = (float) (gold[i] + e);
            sq[i] = Math.pow(out[i][0] - gold[i], 2);
        }
        double mse = java.util.Arrays.stream(sq).average().orElseThrow();
        double varSq = java.util.Arrays.stream(sq).map(x -> (x - mse) * (x - mse)).sum() / (n - 1);
        // SE(RMSE) ≈ SE(MSE) / (2·RMSE), SE(MSE) = sd(e²)/√n
        double delta = Math.sqrt(varSq / n) / (2 * Math.sqrt(mse));
        RegressionTask task = new RegressionTask("value", 0, 1, 0);
        double se = BootstrapError.standardError(task, out, new Targets.Values(gold), "rmse", 1, 2000);
        assertEquals(delta, se, 0.12 * delta, "bootstrap " + se + " vs delta method " + delta);
    }

    @Test
    void refusesMismatchedInputs() {
        assertThrows(IllegalArgumentException.class, () -> BootstrapError.standardError(ClassificationTask.unnamed(2),
                new float[2][2], new Targets.Classes(new int[3]), "accuracy", 1, 10));
    }

    /**
     * Two sentences, one whose entity is found and one whose entity is missed: a resample with k copies of the first has
     * entity F1 2k/(k+2) from the pooled counts (0, 2/3, 1 for k = 0, 1, 2), standard deviation 0.3632 — not the 0.3536
     * of averaging the sentences' own F1 (1 and 0).
     */
    @Test
    void entityErrorRecomputesF1FromTheResampledSentencesCounts() {
        List<List<dev.graft.data.tokens.Tag>> gold = List.of(dev.graft.data.tokens.Tag.parseAll(List.of("B-PER", "O")),
                dev.graft.data.tokens.Tag.parseAll(List.of("O", "B-LOC")));
        List<List<dev.graft.data.tokens.Tag>> predicted = List.of(dev.graft.data.tokens.Tag.parseAll(List.of("B-PER", "O")),
                dev.graft.data.tokens.Tag.parseAll(List.of("O", "O")));
        dev.graft.data.tokens.TaggedPredictions p = new dev.graft.data.tokens.TaggedPredictions("validation",
                List.of(List.of("Ann", "sings"), List.of("in", "Oslo")), gold, predicted);
        double mean = 0.5 * 2.0 / 3;
        double pooled = Math.sqrt(0.5 * 4.0 / 9 + 0.25 - (0.25 + mean) * (0.25 + mean));
        assertEquals(0.3632, pooled, 1e-4);
        double se = BootstrapError.entityError(p, "micro_f1", 3, 40_000);
        assertEquals(pooled, se, 0.004);
        assertEquals(0.0, BootstrapError.entityError(new dev.graft.data.tokens.TaggedPredictions("validation",
                p.words(), gold, gold), "micro_f1", 3, 200), 0.0, "perfect tags score 1 on every resample");
    }
}
