package dev.graft.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.TaskKind;
import dev.graft.selection.ComparedMetric;
import dev.graft.selection.Recommendation;
import dev.graft.selection.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft compare}'s run in core on a multi-label set (GoEmotions) and a regression set of text pairs (STS-B), a
 * few hundred rows each: the table carries the task's figures with their direction, every run has a bootstrap
 * standard error, and the recommendation follows its rule on those figures.
 */
class StrategyComparisonRunTest {

    private static final double MARGIN = 0.02;

    /** Rows of GoEmotions: macro-F1 over seven labels needs a few of each rarer label in the test split. */
    private static final int MULTI_LABEL_ROWS = 400;
    /**
     * Rows of STS-B: RMSE is defined on any number of pairs, and pairs cost twice a single text to embed, so fewer than
     * GoEmotions (the bootstrap error stays well under half the RMSE).
     */
    private static final int PAIR_ROWS = 160;

    private static TrainingRequest small(java.nio.file.Path train, dev.graft.data.DataOptions data, int rows) {
        return TrainingRequest.of(train).data(data).maxTrain(rows).valFraction(0.2).testFraction(0.2).epochs(1).batchSize(16)
                .seed(7).tracking(RunTracking.off());
    }

    @Test
    void multiLabelComparesOnMacroF1() throws Exception {
        ComparisonResult r = StrategyComparisonRun.run(ComparisonRequest.of(small(SharedTextData.goEmotionsTrain(),
                SharedTextData.goEmotions(), MULTI_LABEL_ROWS)).runs(List.of("feature-extraction", "random-init fine-tune")), RunListener.SILENT);
        assertEquals(TaskKind.MULTI_LABEL, r.task());
        assertEquals("macro_f1", r.metric().name());
        assertTrue(r.metric().higherIsBetter());
        assertEquals(List.of("macro_f1", "micro_f1", "map"), r.metric().columns());
        assertEquals(List.of("feature-extraction", "random-init fine-tune"), r.runs().stream().map(RunResult::name).toList());
        checkRuns(r, MULTI_LABEL_ROWS * 0.2);
        checkRule(r);
        assertEquals("feature-extraction", r.recommendation().recommended(), "the only pretrained run");
    }

    @Test
    void regressionComparesOnRmseLowerIsBetter() throws Exception {
        ComparisonResult r = StrategyComparisonRun.run(ComparisonRequest.of(small(SharedTextData.stsbTrain(), SharedTextData.stsb(), PAIR_ROWS))
                .runs(List.of("feature-extraction", "fine-tune", "random-init fine-tune")), RunListener.SILENT);
        assertEquals(TaskKind.REGRESSION, r.task());
        assertEquals("rmse", r.metric().name());
        assertFalse(r.metric().higherIsBetter());
        assertEquals(List.of("rmse", "pearson", "spearman"), r.metric().columns());
        checkRuns(r, PAIR_ROWS * 0.2);
        checkRule(r);
        assertTrue(r.recommendation().reasons().stream().anyMatch(s -> s.startsWith("fine-tune vs feature-extraction: ")
                && s.contains(" rmse;")), r.recommendation().reasons()::toString);
    }

    /**
     * Named-entity recognition on 60 CoNLL-2003 sentences (25 validation sentences): each strategy is a training run of
     * the sequence task, compared on entity micro-F1 with a bootstrap over sentences; there is no random-init baseline.
     */
    @Test
    void nerComparesOnEntityMicroF1(@TempDir Path dir) throws Exception {
        TrainingRequest training = TrainingRequest.of(SharedTextData.conll("train.txt", 60, dir.resolve("train.txt")))
                .valFile(SharedTextData.conll("dev.txt", 25, dir.resolve("dev.txt"))).task(TaskKind.TOKEN_CLASSIFICATION)
                .output(dir.resolve("kept")).epochs(1).batchSize(16).seed(7).tracking(RunTracking.off());
        ComparisonResult r = StrategyComparisonRun.run(ComparisonRequest.of(training).runs(List.of("feature-extraction", "fine-tune")),
                RunListener.SILENT);
        assertEquals(TaskKind.TOKEN_CLASSIFICATION, r.task());
        assertEquals("micro_f1", r.metric().name());
        assertTrue(r.metric().higherIsBetter());
        assertEquals(List.of("feature-extraction", "fine-tune"), r.runs().stream().map(RunResult::name).toList());
        assertEquals(60, r.trainExamples());
        checkSequenceRuns(r);
        checkRule(r);
        assertFalse(r.recommendation().negativeTransfer(), "no baseline, no negative-transfer check");
        assertEquals("feature-extraction", training.strategyName(), "the request is left as it was given");
        assertFalse(Files.exists(dir.resolve("kept")), "the runs' models are not written to the request's output");
    }

    /** Question answering on 20 SQuAD questions (10 validation questions): compared on SQuAD F1, bootstrap over questions. */
    @Test
    void qaComparesOnSquadF1(@TempDir Path dir) throws Exception {
        TrainingRequest training = TrainingRequest.of(SharedTextData.squad("train-44-articles.json", 20, dir.resolve("train.json")))
                .valFile(SharedTextData.squad("dev-24-articles.json", 10, dir.resolve("dev.json"))).task(TaskKind.QUESTION_ANSWERING)
                .epochs(1).batchSize(8).seed(7).tracking(RunTracking.off());
        ComparisonResult r = StrategyComparisonRun.run(ComparisonRequest.of(training), RunListener.SILENT);
        assertEquals(TaskKind.QUESTION_ANSWERING, r.task());
        assertEquals("squad_f1", r.metric().name());
        assertEquals(List.of("feature-extraction", "fine-tune"), r.runs().stream().map(RunResult::name).toList(),
                "question answering has no LoRA span head");
        assertEquals(20, r.trainExamples());
        checkSequenceRuns(r);
        checkRule(r);
    }

    /** Every run scored on validation with the table's figures and a finite bootstrap error (positive unless the figure is 0 or 1 everywhere). */
    private static void checkSequenceRuns(ComparisonResult r) {
        assertEquals("validation", r.scoredSplit());
        for (RunResult run : r.runs()) {
            assertFalse(run.baseline(), run.name());
            for (String c : r.metric().columns()) {
                assertTrue(run.scored().values().containsKey(c), c + " in " + run.scored().values());
            }
            double se = run.standardError();
            double value = run.scored().value(r.metric().name());
            assertTrue(Double.isFinite(se) && se >= 0 && se < 0.5 * r.metric().unit(), run.name() + ": standard error " + se + " of " + value);
            assertTrue(value <= 0 || value >= r.metric().unit() || se > 0, run.name() + ": an F1 of " + value + " varies over resamples");
            assertTrue(run.trainable() > 0 && run.epochsRun() == 1, run.name());
        }
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
        double threshold = Math.max(MARGIN * m.unit(), se2);
        Recommendation rec = r.recommendation();
        assertEquals(threshold, rec.threshold(), 1e-12);
        java.util.Optional<RunResult> baseline = r.runs().stream().filter(RunResult::baseline).findFirst();
        double gain = baseline.map(b -> m.gain(Recommendation.score(best, m), Recommendation.score(b, m))).orElse(Double.POSITIVE_INFINITY);
        assertEquals(gain < threshold, rec.negativeTransfer(), rec.reasons()::toString);
        assertTrue(rec.reasons().get(0).startsWith(m.name() + " decides (" + (m.higherIsBetter() ? "higher" : "lower") + " is better)"),
                rec.reasons()::toString);
        if (r.runs().stream().anyMatch(x -> x.name().equals("fine-tune"))) {
            double needed = r.trainExamples() < Recommendation.SMALL_DATA ? Math.max(2 * MARGIN * m.unit(), se2) : threshold;
            double ftGain = m.gain(Recommendation.score(r.run("fine-tune"), m), Recommendation.score(r.run("feature-extraction"), m));
            assertEquals(ftGain > needed ? "fine-tune" : "feature-extraction", rec.recommended(), rec.reasons()::toString);
        }
    }
}
