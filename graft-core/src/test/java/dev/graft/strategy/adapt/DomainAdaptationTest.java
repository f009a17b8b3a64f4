package dev.graft.strategy.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.training.TrainConfig;
import dev.graft.util.Progress;
import java.util.List;
import java.util.Optional;
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
        TrainConfig t = TrainConfig.defaults().withSeed(seed).withEpochs(15).withPatience(0).withLearningRate(3e-3).withBatchSize(32);
        return run(new AdaptConfig(method, 32, 0.0, t, 1.0, 1e-3, 0.1, 200));
    }

    /**
     * DANN's budget. At the other methods' (180 steps at lr 3e-3, domain weight 1) the adversary cannot
     * move the adapter far enough: the adapter column that reads the shifted dimension has norm 2.75 and
     * must go to about 0, while AdamW moves each weight at most lr per step (≤ 0.54 in 180 steps) and the
     * adversarial gradient's direction changes from step to step. Measured there: domain-classifier
     * accuracy 0.78 → 0.996, that column's norm 2.75 → 2.87, PAD 2.0 in every epoch, target 0.58; and
     * still no alignment (PAD ≥ 1.85, target ≤ 0.63) with weight 3, 10 or 100, lr 1e-2 alone, 60 epochs
     * alone, a 10× or 0.1× domain-classifier rate, or a non-saturating adversarial loss. Weight 10 at
     * lr 1e-2 for 720 steps aligns.
     */
    private static AdaptationResult runDann(long seed, AdaptConfig.EpochSelection selection) {
        TrainConfig t = TrainConfig.defaults().withSeed(seed).withEpochs(60).withPatience(0).withLearningRate(1e-2).withBatchSize(32);
        return run(new AdaptConfig(AdaptMethod.DANN, 32, 0.0, t, 10.0, 1e-3, 0.1, 200, selection));
    }

    private static AdaptationResult run(AdaptConfig config) {
        DomainAdaptation.Labelled source = domain(400, false, 1);
        DomainAdaptation.Labelled target = domain(400, true, 2);
        DomainAdaptation.Labelled eval = domain(400, true, 3);
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
        float[][] p = r.adaptedEvalProbabilities().orElseThrow();
        assertEquals(400, p.length, "one probability row per evaluation example");
        int[] truth = domain(400, true, 3).y();
        int right = 0;
        for (int i = 0; i < p.length; i++) {
            assertEquals(1.0, p[i][0] + p[i][1], 1e-5);
            right += (p[i][1] > p[i][0] ? 1 : 0) == truth[i] ? 1 : 0;
        }
        assertEquals(after, right / 400.0, 1e-12, "the probabilities are the ones the target accuracy was computed from");
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

    @Test
    void dannBeatsSourceOnlyAndMovesTheDomainsTogether() {
        AdaptationResult r = runDann(42, AdaptConfig.EpochSelection.LAST_EPOCH);
        double before = r.sourceOnlyEval().orElseThrow().accuracy();
        double after = r.adaptedEval().orElseThrow().accuracy();
        assertTrue(after > before + 0.2, "DANN: source-only " + before + ", adapted " + after);
        assertTrue(r.padAfter() < r.padBefore() - 0.1, "DANN: PAD " + r.padBefore() + " -> " + r.padAfter());
        assertTrue(r.sourceValidation().accuracy() > 0.9, "DANN must still classify the source: " + r.sourceValidation().accuracy());
        assertEquals(60, r.fit().bestEpoch(), "DANN keeps its last epoch");
    }

    /** The reason for {@link AdaptConfig.EpochSelection#LAST_EPOCH}: the best source-validation epoch is an unaligned one. */
    @Test
    void restoringTheBestSourceValidationEpochDiscardsDannsAlignment() {
        AdaptationResult best = runDann(42, AdaptConfig.EpochSelection.BEST_SOURCE_VALIDATION);
        AdaptationResult last = runDann(42, AdaptConfig.EpochSelection.LAST_EPOCH);
        assertTrue(best.fit().bestEpoch() < 60, "best epoch " + best.fit().bestEpoch());
        double b = best.adaptedEval().orElseThrow().accuracy();
        double l = last.adaptedEval().orElseThrow().accuracy();
        assertTrue(l > b + 0.2, "target accuracy: best source-validation epoch " + b + ", last epoch " + l);
    }

    @Test
    void warnsWhenAMethodLeavesTheDomainsAsSeparableAsBefore() {
        AdaptationResult aligned = runDann(42, AdaptConfig.EpochSelection.LAST_EPOCH);
        assertTrue(aligned.alignmentWarning().isEmpty(), "PAD " + aligned.padBefore() + " -> " + aligned.padAfter());
        AdaptationResult unaligned = new AdaptationResult(AdaptMethod.DANN, aligned.head(), aligned.fit(), aligned.sourceValidation(),
                aligned.sourceOnlyEval(), aligned.adaptedEval(), 1.94, 1.93, 10, 2, 10, Optional.empty());
        String w = unaligned.alignmentWarning().orElseThrow();
        assertTrue(w.startsWith("dann did not align the domains: proxy A-distance 1.94 before, 1.93 after.") && w.contains("Try method mmd"), w);
        assertEquals(w, unaligned.metrics().get("alignment_warning"), "metrics.json carries the warning");
        assertFalse(aligned.metrics().containsKey("alignment_warning"));
        AdaptationResult baseline = new AdaptationResult(AdaptMethod.SOURCE_ONLY, aligned.head(), aligned.fit(), aligned.sourceValidation(),
                aligned.sourceOnlyEval(), aligned.adaptedEval(), 1.94, 1.93, 10, 2, 10, Optional.empty());
        assertTrue(baseline.alignmentWarning().isEmpty(), "the baseline does not try to align");
    }

    @Test
    void sameSeedSameResult() {
        AdaptationResult a = runDann(7, AdaptConfig.EpochSelection.LAST_EPOCH);
        AdaptationResult b = runDann(7, AdaptConfig.EpochSelection.LAST_EPOCH);
        assertEquals(a.adaptedEval().orElseThrow().accuracy(), b.adaptedEval().orElseThrow().accuracy());
        assertEquals(a.padAfter(), b.padAfter());
        assertEquals(a.fit().history().get(a.fit().history().size() - 1).trainLoss(),
                b.fit().history().get(b.fit().history().size() - 1).trainLoss());
    }
}
