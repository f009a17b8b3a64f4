package dev.graft.strategy.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.training.TrainConfig;
import dev.graft.util.Progress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Domain adaptation on a synthetic shift with a known answer: two Gaussian classes; the target
 * domain is the source scaled and moved so far that the source-only classifier puts (nearly)
 * everything in one class.
 */
class DomainAdaptationTest {

    private static final int DIM = 8;
    private static final List<String> CLASSES = List.of("neg", "pos");

    /**
     * Source: class means ±2 on dimensions 0 and 1, unit noise. Target: dimension 1 moved by +8 (so a
     * classifier that uses it calls everything positive) and dimension 2 tripled; dimension 0 alone
     * still separates the classes in both domains.
     */
    private static DomainAdaptation.Labelled domain(int n, boolean target, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][DIM];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int d = 0; d < DIM; d++) {
                x[i][d] = (float) r.nextGaussian();
            }
            x[i][0] += y[i] == 1 ? 2 : -2;
            x[i][1] += y[i] == 1 ? 2 : -2;
            if (target) {
                x[i][1] += 8;
                x[i][2] *= 3;
            }
        }
        return new DomainAdaptation.Labelled(x, y);
    }

    private static AdaptationResult run(AdaptMethod method, long seed) {
        DomainAdaptation.Labelled source = domain(400, false, 1);
        DomainAdaptation.Labelled target = domain(400, true, 2);
        DomainAdaptation.Labelled eval = domain(400, true, 3);
        TrainConfig t = TrainConfig.defaults().withSeed(seed).withEpochs(15).withPatience(0).withLearningRate(3e-3).withBatchSize(32);
        AdaptConfig config = new AdaptConfig(method, 32, 0.0, t, 1.0, 1e-3, 0.1, 200);
        try (NDManager m = NDManager.newBaseManager()) {
            return DomainAdaptation.run(source, CLASSES, target.x(), eval, config, m, List.of(), Progress.NONE);
        }
    }

    @Test
    void coralRecoversTheShiftedTargetDomain() {
        AdaptationResult r = run(AdaptMethod.CORAL, 42);
        double before = r.sourceOnlyEval().orElseThrow().accuracy();
        double after = r.adaptedEval().orElseThrow().accuracy();
        assertTrue(before < 0.65, "source-only should fail on the shifted domain: " + before);
        assertTrue(after > 0.9, "CORAL should recover it: " + after);
        assertTrue(r.padBefore() > 1.5, "the raw domains are easy to tell apart: " + r.padBefore());
        assertTrue(r.padAfter() < r.padBefore() - 0.5, r.padBefore() + " -> " + r.padAfter());
        assertEquals(360, r.sourceTrain());
        assertEquals(40, r.sourceVal());
    }

    @Test
    void mmdBeatsSourceOnlyAndMovesTheDomainsTogether() {
        AdaptationResult r = run(AdaptMethod.MMD, 42);
        double before = r.sourceOnlyEval().orElseThrow().accuracy();
        double after = r.adaptedEval().orElseThrow().accuracy();
        assertTrue(after > before + 0.1, "MMD: source-only " + before + ", adapted " + after);
        assertTrue(r.padAfter() < r.padBefore(), "MMD: PAD " + r.padBefore() + " -> " + r.padAfter());
        assertTrue(r.sourceValidation().accuracy() > 0.9, "MMD must still classify the source: " + r.sourceValidation().accuracy());
    }

    /**
     * DANN keeps the source and does not hurt the target, but on this small synthetic shift (180 steps)
     * it neither recovers the target's accuracy the way MMD does (measured: 0.5625 → 0.5825) nor
     * lowers the proxy A-distance (2.0 → 2.0): a known weakness, recorded here rather than hidden.
     */
    @Test
    void dannKeepsTheSourceAndDoesNotHurtTheTarget() {
        AdaptationResult r = run(AdaptMethod.DANN, 42);
        double before = r.sourceOnlyEval().orElseThrow().accuracy();
        double after = r.adaptedEval().orElseThrow().accuracy();
        assertTrue(after >= before - 0.02, "DANN: source-only " + before + ", adapted " + after);
        assertTrue(r.sourceValidation().accuracy() > 0.9, "DANN must still classify the source: " + r.sourceValidation().accuracy());
    }

    @Test
    void sameSeedSameResult() {
        AdaptationResult a = run(AdaptMethod.DANN, 7);
        AdaptationResult b = run(AdaptMethod.DANN, 7);
        assertEquals(a.adaptedEval().orElseThrow().accuracy(), b.adaptedEval().orElseThrow().accuracy());
        assertEquals(a.padAfter(), b.padAfter());
        assertEquals(a.fit().history().get(a.fit().history().size() - 1).trainLoss(),
                b.fit().history().get(b.fit().history().size() - 1).trainLoss());
    }
}
