package dev.graft.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.TaskKind;
import dev.graft.selection.ComparedMetric;
import dev.graft.selection.Recommendation;
import dev.graft.selection.RunResult;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code graft compare}'s run in core on a multi-label set (GoEmotions) and a regression set of text pairs (STS-B), a
 * few hundred rows each: the table carries the task's figures with their direction, every run has a bootstrap
 * standard error, and the recommendation follows its rule on those figures.
 */
class StrategyComparisonRunTest {

    private static final double MARGIN = 0.02;

    private static TrainingRequest small(java.nio.file.Path train, dev.graft.data.DataOptions data) {
        return TrainingRequest.of(train).data(data).maxTrain(400).valFraction(0.2).testFraction(0.2).epochs(1).batchSize(16)
                .seed(7).tracking(RunTracking.off());
    }

    @Test
    void multiLabelComparesOnMacroF1() throws Exception {
        ComparisonResult r = StrategyComparisonRun.run(ComparisonRequest.of(small(SharedTextData.goEmotionsTrain(),
                SharedTextData.goEmotions())).runs(List.of("feature-extraction", "random-init fine-tune")), RunListener.SILENT);
        assertEquals(TaskKind.MULTI_LABEL, r.task());
        assertEquals("macro_f1", r.metric().name());
        assertTrue(r.metric().higherIsBetter());
        assertEquals(List.of("macro_f1", "micro_f1", "map"), r.metric().columns());
        assertEquals(List.of("feature-extraction", "random-init fine-tune"), r.runs().stream().map(RunResult::name).toList());
        checkRuns(r, 400 * 0.2);
        checkRule(r);
        assertEquals("feature-extraction", r.recommendation().recommended(), "the only pretrained run");
    }

    @Test
    void regressionComparesOnRmseLowerIsBetter() throws Exception {
        ComparisonResult r = StrategyComparisonRun.run(ComparisonRequest.of(small(SharedTextData.stsbTrain(), SharedTextData.stsb()))
                .runs(List.of("feature-extraction", "fine-tune", "random-init fine-tune")), RunListener.SILENT);
        assertEquals(TaskKind.REGRESSION, r.task());
        assertEquals("rmse", r.metric().name());
        assertFalse(r.metric().higherIsBetter());
        assertEquals(List.of("rmse", "pearson", "spearman"), r.metric().columns());
        checkRuns(r, 400 * 0.2);
        checkRule(r);
        assertTrue(r.recommendation().reasons().stream().anyMatch(s -> s.startsWith("fine-tune vs feature-extraction: ")
                && s.contains(" rmse;")), r.recommendation().reasons()::toString);
    }

    /**
     * Every run scored on the same test split (about a fifth of the rows: a stratified split rounds per stratum) with the
     * table's figures, and a bootstrap standard error of the compared one.
     */
    private static void checkRuns(ComparisonResult r, double testExamples) {
        assertEquals("test", r.scoredSplit());
        long n = r.runs().get(0).scored().n();
        assertEquals(testExamples, n, 0.05 * testExamples);
        for (RunResult run : r.runs()) {
            assertEquals(n, run.scored().n(), run.name());
            for (String c : r.metric().columns()) {
                assertTrue(run.scored().values().containsKey(c), c + " in " + run.scored().values());
            }
            double se = run.standardError();
            double value = run.scored().value(r.metric().name());
            assertTrue(se > 0 && se < 0.5 * Math.max(Math.abs(value), 0.05), run.name() + ": standard error " + se + " of " + value);
            assertTrue(run.trainable() > 0 && run.epochsRun() >= 1, run.name());
        }
    }

    /** The recommendation recomputed from the runs' figures: threshold, negative-transfer flag and pick. */
    private static void checkRule(ComparisonResult r) {
        ComparedMetric m = r.metric();
        Comparator<RunResult> better = Comparator.comparingDouble(x -> m.gain(Recommendation.score(x, m), 0));
        RunResult best = r.runs().stream().filter(x -> !x.baseline()).max(better).orElseThrow();
        double se2 = 2 * Math.sqrt(2) * best.standardError();
        double threshold = Math.max(MARGIN, se2);
        Recommendation rec = r.recommendation();
        assertEquals(threshold, rec.threshold(), 1e-12);
        RunResult baseline = r.runs().stream().filter(RunResult::baseline).findFirst().orElseThrow();
        double gain = m.gain(Recommendation.score(best, m), Recommendation.score(baseline, m));
        assertEquals(gain < threshold, rec.negativeTransfer(), rec.reasons()::toString);
        assertTrue(rec.reasons().get(0).startsWith(m.name() + " decides (" + (m.higherIsBetter() ? "higher" : "lower") + " is better)"),
                rec.reasons()::toString);
        if (r.runs().stream().anyMatch(x -> x.name().equals("fine-tune"))) {
            double needed = r.trainExamples() < Recommendation.SMALL_DATA ? Math.max(2 * MARGIN, se2) : threshold;
            double ftGain = m.gain(Recommendation.score(r.run("fine-tune"), m), Recommendation.score(r.run("feature-extraction"), m));
            assertEquals(ftGain > needed ? "fine-tune" : "feature-extraction", rec.recommended(), rec.reasons()::toString);
        }
    }
}
