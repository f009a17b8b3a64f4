package dev.graft.metrics.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Large problems compute their products in libtorch: the same sums, solves and fits as the plain-Java path. */
class EngineProductsTest {

    private static DenseRows rows(int n, int d, Random r) {
        float[] data = new float[n * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return new DenseRows(data, n, d);
    }

    private static int[] classes(DenseRows x, int k) {
        int[] c = new int[x.n()];
        for (int i = 0; i < c.length; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double v = x.data()[i * x.d() + j] + 0.8 * x.data()[i * x.d() + (j + k) % x.d()];
                if (v > best) {
                    best = v;
                    c[i] = j;
                }
            }
        }
        return c;
    }

    @Test
    void engineSumsEqualTheJavaSums() {
        Random r = new Random(3);
        DenseRows x = rows(700, 33, r);
        int[] folds = Folds.shuffled(x.n(), 5, 1);
        Target multi = Target.classes(classes(x, 4), 4);
        boolean[] positive = new boolean[x.n()];
        for (int i = 0; i < positive.length; i++) {
            positive[i] = x.data()[i * x.d()] > 0;
        }
        Target binary = Target.binary(positive);
        LinearPass.Member[] members = new LinearPass.Member[3];
        for (int m = 0; m < members.length; m++) {
            Target t = m == 2 ? binary : multi;
            double[] theta = new double[t.outputs() * (x.d() + 1)];
            for (int i = 0; i < theta.length; i++) {
                theta[i] = 0.1 * r.nextGaussian();
            }
            members[m] = new LinearPass.Member(t, m == 1 ? -1 : m, theta);
        }
        LinearPass.Sums[] java;
        LinearPass.Sums[] engine;
        try (LinearPass plain = new LinearPass(x, folds, false); LinearPass torch = new LinearPass(x, folds, true)) {
            java = plain.run(members);
            engine = torch.run(members);
        }
        for (int m = 0; m < members.length; m++) {
            assertEquals(java[m].loss(), engine[m].loss(), 1e-9 * Math.abs(java[m].loss()), "loss of member " + m);
            double[] a = java[m].gradient(), b = engine[m].gradient();
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-9 * (1 + Math.abs(a[i])), "member " + m + " gradient " + i);
            }
        }
    }

    @Test
    void enginePreconditionerSolvesLikeTheTriangularSolves() {
        Random r = new Random(5);
        DenseRows x = rows(300, 40, r);
        int e = x.d() + 1;
        double[] a = x.augmentedGram();
        for (int i = 0; i < e; i++) {
            a[i * e + i] += 0.01;
        }
        Cholesky chol = Cholesky.of(a, e);
        double[] v = new double[3 * e];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        double[] solved = v.clone();
        chol.solveBlocksInPlace(solved, 0, 3);
        double[] viaEngine = v.clone();
        try (NDManager m = NDManager.newBaseManager()) {
            new EnginePreconditioner(chol, e, m).applyInPlace(viaEngine);
        }
        for (int i = 0; i < v.length; i++) {
            assertEquals(solved[i], viaEngine[i], 1e-8 * (1 + Math.abs(solved[i])), "entry " + i);
        }
    }

    @Test
    void aLargeFitChoosesTheSameCAndModelWithTheEngine() {
        Random r = new Random(11);
        DenseRows x = rows(2000, 250, r);
        int[] c = classes(x, 10);
        int[] folds = Folds.stratified(c, 10, 5, 2);
        assertTrue(LinearPass.worthTheEngine(x, 10 * 5), "the test problem must take the engine path");
        double[] cs = LogisticRegression.logGrid(1e-3, 1e1, 5);
        List<Target> targets = List.of(Target.classes(c, 10));
        RegularizationPath.Result plain = new RegularizationPath(x, cs, Scoring.LOG_LOSS, 1e-6, 500, 0, false)
                .fit(targets, folds, 5).get(0);
        RegularizationPath.Result torch = new RegularizationPath(x, cs, Scoring.LOG_LOSS, 1e-6, 500, 0, true)
                .fit(targets, folds, 5).get(0);
        assertEquals(plain.chosen(), torch.chosen());
        for (int i = 0; i < cs.length; i++) {
            assertEquals(plain.meanScores()[i], torch.meanScores()[i], 1e-6, "mean held-out score at C " + cs[i]);
        }
        double[] p = plain.solution(), t = torch.solution();
        for (int i = 0; i < p.length; i++) {
            assertEquals(p[i], t[i], 1e-3 * (1 + Math.abs(p[i])), "coefficient " + i);
        }
    }
}
