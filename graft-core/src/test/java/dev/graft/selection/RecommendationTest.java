package dev.graft.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.RegressionMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The recommendation rule on hand-made results: feature extraction, fine-tuning, LoRA and the baseline. */
class RecommendationTest {

    /** Test examples per run: large enough that the threshold is the 2-point margin (2 standard errors < 1 point). */
    private static final int N = 10_000;
    private static final long FT_PARAMS = 22_700_000;
    private static final long LORA_PARAMS = 74_000;
    private static final int LARGE = 5000;
    private static final int SMALL = 500;

    private static ClassificationMetrics scores(double accuracy) {
        int correct = (int) Math.round(accuracy * N);
        int[] gold = new int[N];
        int[] predicted = new int[N];
        for (int i = 0; i < N; i++) {
            gold[i] = i % 2;
            predicted[i] = i < correct ? gold[i] : 1 - gold[i];
        }
        return ClassificationMetrics.of(gold, predicted, List.of("a", "b"));
    }

    private static RunResult run(String name, boolean baseline, double accuracy, long trainable) {
        ClassificationMetrics m = scores(accuracy);
        return new RunResult(name, baseline, m, Optional.of(m), 1.0, trainable, 100, true, 1, 1);
    }

    /** Feature extraction, fine-tuning, optionally LoRA, and a baseline well below them. */
    private static List<RunResult> results(double fe, double ft, Double lora, long loraParams) {
        List<RunResult> r = new ArrayList<>(List.of(run("feature-extraction", false, fe, 2_000),
                run("fine-tune", false, ft, FT_PARAMS)));
        if (lora != null) {
            r.add(run("lora", false, lora, loraParams));
        }
        r.add(run("random-init fine-tune", true, 0.60, FT_PARAMS));
        return r;
    }

    @Test
    void thresholdIsTheMarginOnALargeEvaluationSet() {
        Recommendation rec = Recommendation.of(results(0.85, 0.90, 0.89, LORA_PARAMS), LARGE, 0.02);
        assertEquals(0.02, rec.threshold(), 1e-12);
        assertFalse(rec.negativeTransfer());
    }

    @Test
    void loraWithinTheGapOfFineTuningIsRecommended() {
        Recommendation rec = Recommendation.of(results(0.85, 0.90, 0.89, LORA_PARAMS), LARGE, 0.02);
        assertEquals("lora", rec.recommended());
        assertTrue(rec.reasons().stream().anyMatch(s -> s.startsWith("fine-tune vs feature-extraction: +5.0 points")
                && s.endsWith("fine-tuning pays")), rec.reasons()::toString);
        assertTrue(rec.reasons().stream().anyMatch(s -> s.equals("lora vs fine-tune: -1.0 points at 0.33% of its trainable"
                + " parameters; within the threshold → lora")), rec.reasons()::toString);
    }

    @Test
    void fineTuningWinsWhenLoraIsClearlyBehind() {
        Recommendation rec = Recommendation.of(results(0.85, 0.90, 0.86, LORA_PARAMS), LARGE, 0.02);
        assertEquals("fine-tune", rec.recommended());
        assertTrue(rec.reasons().stream().anyMatch(s -> s.contains("behind by more than the threshold → fine-tune")), rec.reasons()::toString);
    }

    @Test
    void loraNeedsFewerTrainableParametersToReplaceFineTuning() {
        assertEquals("fine-tune", Recommendation.of(results(0.85, 0.90, 0.90, FT_PARAMS), LARGE, 0.02).recommended());
    }

    @Test
    void loraCanPayWhereFineTuningDoesNot() {
        Recommendation rec = Recommendation.of(results(0.85, 0.86, 0.88, LORA_PARAMS), LARGE, 0.02);
        assertEquals("lora", rec.recommended());
        assertTrue(rec.reasons().stream().anyMatch(s -> s.endsWith("it does not pay")), rec.reasons()::toString);
        assertTrue(rec.reasons().stream().anyMatch(s -> s.startsWith("lora vs feature-extraction: +3.0 points") && s.endsWith("→ lora")),
                rec.reasons()::toString);
    }

    @Test
    void featureExtractionWhenNeitherPays() {
        assertEquals("feature-extraction", Recommendation.of(results(0.85, 0.86, 0.86, LORA_PARAMS), LARGE, 0.02).recommended());
    }

    @Test
    void smallDataDoublesTheMarginForLoraToo() {
        // +3 points: enough on large data, not below 1000 training examples (4 points needed)
        assertEquals("lora", Recommendation.of(results(0.85, 0.86, 0.88, LORA_PARAMS), LARGE, 0.02).recommended());
        Recommendation small = Recommendation.of(results(0.85, 0.88, 0.88, LORA_PARAMS), SMALL, 0.02);
        assertEquals("feature-extraction", small.recommended());
        assertTrue(small.reasons().stream().anyMatch(s -> s.contains("small data: doubled margin") && s.contains("need 4.0 points")),
                small.reasons()::toString);
    }

    @Test
    void smallDataDoesNotDoubleTheStandardErrorPart() {
        // kitchen, 800 training examples, 300 validation reviews: feature extraction 0.830, fine-tuning 0.917 — a
        // +8.7-point gain against 2 standard errors of 4.5 points: fine-tuning pays (doubling the 4.5 would refuse it)
        List<RunResult> r = List.of(runOn("feature-extraction", false, 249, 300, 770),
                runOn("fine-tune", false, 275, 300, FT_PARAMS), runOn("random-init fine-tune", true, 207, 300, FT_PARAMS));
        Recommendation rec = Recommendation.of(r, 800, 0.02);
        assertEquals(0.0451, rec.threshold(), 1e-4);
        assertEquals("fine-tune", rec.recommended(), rec.reasons()::toString);
        assertTrue(rec.reasons().stream().anyMatch(s -> s.contains("need 4.5 points") && s.endsWith("fine-tuning pays")),
                rec.reasons()::toString);
        // a gain inside 2 standard errors still does not pay
        List<RunResult> close = List.of(runOn("feature-extraction", false, 262, 300, 770),
                runOn("fine-tune", false, 275, 300, FT_PARAMS));
        assertEquals("feature-extraction", Recommendation.of(close, 800, 0.02).recommended());
    }

    /** A run scored {@code correct} of {@code n} right. */
    private static RunResult runOn(String name, boolean baseline, int correct, int n, long trainable) {
        int[] gold = new int[n];
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            gold[i] = i % 2;
            predicted[i] = i < correct ? gold[i] : 1 - gold[i];
        }
        ClassificationMetrics m = ClassificationMetrics.of(gold, predicted, List.of("a", "b"));
        return new RunResult(name, baseline, m, Optional.of(m), 1.0, trainable, 100, true, 1, 1);
    }

    @Test
    void withoutLoraTheRuleIsFineTuningVersusFeatureExtraction() {
        assertEquals("fine-tune", Recommendation.of(results(0.85, 0.90, null, 0), LARGE, 0.02).recommended());
        assertEquals("feature-extraction", Recommendation.of(results(0.85, 0.86, null, 0), LARGE, 0.02).recommended());
    }

    @Test
    void negativeTransferIsFlaggedWhateverIsRecommended() {
        List<RunResult> r = new ArrayList<>(results(0.85, 0.90, 0.895, LORA_PARAMS));
        r.set(3, run("random-init fine-tune", true, 0.89, FT_PARAMS));
        Recommendation rec = Recommendation.of(r, LARGE, 0.02);
        assertTrue(rec.negativeTransfer());
        assertEquals("lora", rec.recommended());
        assertTrue(rec.reasons().get(1).startsWith("NEGATIVE-TRANSFER CHECK FAILED: best pretrained run (fine-tune)"), rec.reasons()::toString);
    }

    @Test
    void aComparisonNeedsAPretrainedRun() {
        assertThrows(IllegalArgumentException.class,
                () -> Recommendation.of(List.of(run("random-init fine-tune", true, 0.5, 1)), LARGE, 0.02));
    }

    /** A regression run with this RMSE and bootstrap standard error (the other figures do not matter to the rule). */
    private static RunResult regression(String name, boolean baseline, double rmse, double se, long trainable) {
        RegressionMetrics m = new RegressionMetrics(400, rmse, rmse * 0.8, 0.5, 0.7, 0.7);
        return new RunResult(name, baseline, m, Optional.of(m), 1.0, trainable, 100, true, 1, 1, se);
    }

    @Test
    void rmseIsComparedLowerIsBetterWithABootstrapThreshold() {
        ComparedMetric rmse = new ComparedMetric("rmse", false, List.of("rmse", "pearson", "spearman"));
        // threshold = max(margin 0.02, 2·√2·0.03 = 0.0849): fine-tuning's 0.10 lower RMSE counts, 0.05 does not
        List<RunResult> pays = List.of(regression("feature-extraction", false, 0.90, 0.03, 2_000),
                regression("fine-tune", false, 0.80, 0.03, FT_PARAMS), regression("random-init fine-tune", true, 1.30, 0.04, FT_PARAMS));
        Recommendation rec = Recommendation.of(pays, LARGE, 0.02, rmse);
        assertEquals(2 * Math.sqrt(2) * 0.03, rec.threshold(), 1e-12, "2 standard errors of a difference, from the best run's");
        assertEquals("fine-tune", rec.recommended(), rec.reasons()::toString);
        assertFalse(rec.negativeTransfer());
        assertTrue(rec.reasons().get(0).startsWith("rmse decides (lower is better); a gap counts above 0.0849 rmse"), rec.reasons()::toString);
        assertTrue(rec.reasons().stream().anyMatch(s -> s.startsWith("fine-tune vs feature-extraction: +0.1000 rmse")),
                rec.reasons()::toString);

        List<RunResult> small = List.of(regression("feature-extraction", false, 0.85, 0.03, 2_000),
                regression("fine-tune", false, 0.80, 0.03, FT_PARAMS), regression("random-init fine-tune", true, 0.84, 0.04, FT_PARAMS));
        Recommendation none = Recommendation.of(small, LARGE, 0.02, rmse);
        assertEquals("feature-extraction", none.recommended(), none.reasons()::toString);
        assertTrue(none.negativeTransfer(), "the best RMSE 0.80 is not 0.0849 below the baseline's 0.84");
        // a higher RMSE is worse: with the order reversed, fine-tuning is the run that loses
        List<RunResult> worse = List.of(regression("feature-extraction", false, 0.80, 0.03, 2_000),
                regression("fine-tune", false, 0.95, 0.03, FT_PARAMS));
        assertEquals("feature-extraction", Recommendation.of(worse, LARGE, 0.02, rmse).recommended());
        assertTrue(Recommendation.of(worse, LARGE, 0.02, rmse).reasons().stream()
                .anyMatch(s -> s.startsWith("fine-tune vs feature-extraction: -0.1500 rmse")));
    }
}
