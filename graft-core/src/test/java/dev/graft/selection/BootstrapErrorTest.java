package dev.graft.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.task.ClassificationTask;
import dev.graft.task.RegressionTask;
import dev.graft.task.Targets;
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
}
