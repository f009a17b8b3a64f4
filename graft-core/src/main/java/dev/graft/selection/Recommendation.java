package dev.graft.selection;

import dev.graft.model.peft.PeftMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a comparison recommends, by a fixed rule on the measured scores (the task's compared figure, {@link ComparedMetric}:
 * accuracy for classification, on the test split, else validation) and the training-set size; below, as for accuracy
 * (other figures: see {@link #of(List, int, double, ComparedMetric)}):
 * <ol>
 *   <li>A gap between two runs counts only when it exceeds the <em>threshold</em>
 *       {@code max(margin, 2·√(2·p(1−p)/n))}: the user's margin (default 2 points) or twice the
 *       standard error of a difference of two accuracies near p on n evaluation examples, whichever is larger.</li>
 *   <li><b>Negative-transfer check</b>: when the best pretrained run does not beat the random-init
 *       baseline by the threshold, the pretrained weights are not helping on this data (flagged).</li>
 *   <li><b>Strategy</b>: fine-tuning <em>pays</em> when it beats feature extraction by the threshold. Below
 *       {@value #SMALL_DATA} training examples the margin part doubles — {@code max(2·margin, 2·SE)}: on small data a
 *       gain must be larger to be worth fine-tuning's cost and fragility, but the noise of the evaluation split is
 *       already in the standard-error part, so that part is not doubled (doubling it too turned down a +8.7-point,
 *       4-standard-error gain of fine-tuning on 800 kitchen reviews). LoRA (a run named {@code lora}) is judged
 *       against both:
 *       <ul>
 *         <li>when fine-tuning pays, LoRA is recommended if it is within the threshold of fine-tuning (no gap that counts)
 *             with fewer trainable parameters — the same quality for a fraction of the trained weights, checkpoint size
 *             and optimiser memory; otherwise fine-tuning;</li>
 *         <li>when fine-tuning does not pay, LoRA is recommended if it beats feature extraction by that same (on small
 *             data, raised) threshold: it can, where full fine-tuning overfits small data;</li>
 *         <li>otherwise feature extraction, which is cheaper to train, store and serve.</li>
 *       </ul>
 *       Without a feature-extraction run the best pretrained run is recommended.</li>
 * </ol>
 *
 * @param recommended    the run recommended
 * @param threshold      the gap that counts, in the compared figure's units (accuracy: a fraction, e.g. 0.02)
 * @param negativeTransfer whether the check fired
 * @param reasons        the rule's steps as sentences, in order
 */
public record Recommendation(String recommended, double threshold, boolean negativeTransfer, List<String> reasons) {

    /** Below this many training examples the data set is small. */
    public static final int SMALL_DATA = 1000;
    /** Default margin in accuracy (2 points). */
    public static final double DEFAULT_MARGIN = 0.02;

    /**
     * Applies the rule to {@code results} on accuracy: runs named {@code feature-extraction}, {@code fine-tune} and
     * {@code lora} (each optional), the baseline ({@link RunResult#baseline()}) where present, and at least one
     * pretrained run.
     */
    public static Recommendation of(List<RunResult> results, int trainExamples, double margin) {
        return of(results, trainExamples, margin, ComparedMetric.ACCURACY);
    }

    /**
     * Applies the rule to {@code results} on {@code metric}, in its direction. For accuracy, twice the standard error of
     * a difference is {@link #twoStandardErrors}; for any other figure it is {@code 2·√2·SE}, with {@code SE} the
     * bootstrap standard error of the best pretrained run's figure ({@link RunResult#standardError()}, resampling the
     * evaluation examples with a fixed seed) — the same reasoning as accuracy's formula (the difference of two
     * independent estimates with that error). Gaps and margins are in points (×100) for bounded higher-is-better
     * figures and in the figure's units otherwise (RMSE).
     */
    public static Recommendation of(List<RunResult> results, int trainExamples, double fraction, ComparedMetric metric) {
        double margin = fraction * metric.unit(); // in the figure's own numbers (SQuAD F1 is a percentage)
        RunResult fe = find(results, "feature-extraction").orElse(null);
        RunResult ft = find(results, "fine-tune").orElse(null);
        Optional<RunResult> base = results.stream().filter(RunResult::baseline).findFirst();
        java.util.Comparator<RunResult> better = java.util.Comparator.comparingDouble(r -> metric.gain(score(r, metric), 0));
        RunResult bestPretrained = results.stream().filter(r -> !r.baseline()).max(better)
                .orElseThrow(() -> new IllegalArgumentException("a comparison needs at least one pretrained run"));
        double p = score(bestPretrained, metric);
        long n = bestPretrained.scored().n();
        double se2 = metric.bootstrapped() ? 2 * Math.sqrt(2) * bestPretrained.standardError() : twoStandardErrors(p, n);
        if (Double.isNaN(se2)) {
            se2 = 0;
        }
        double threshold = Math.max(margin, se2);
        List<String> reasons = new ArrayList<>();
        reasons.add(metric.bootstrapped()
                ? String.format(Locale.ROOT, "%s decides (%s); a gap counts above %s (max of margin %s and 2 bootstrap standard"
                        + " errors of a difference, %s, on %d %s examples)", metric.name(), metric.higherIsBetter() ? "higher is better"
                        : "lower is better", metric.format(threshold, false), metric.format(margin, false), metric.format(se2, false), n,
                        bestPretrained.scoredSplit())
                : String.format(Locale.ROOT, "a gap counts above %.1f points (max of margin %.1f and 2 standard errors %.1f on %d %s examples)",
                        100 * threshold, 100 * margin, 100 * se2, n, bestPretrained.scoredSplit()));
        boolean negative = false;
        if (base.isPresent()) {
            double gain = metric.gain(p, score(base.get(), metric));
            negative = gain < threshold;
            reasons.add(String.format(Locale.ROOT, "%s: best pretrained run (%s) %s the random-init baseline by %s",
                    negative ? "NEGATIVE-TRANSFER CHECK FAILED" : "transfer helps", bestPretrained.name(),
                    negative ? "does not beat" : "beats", metric.format(gain, true)));
        }
        String pick = fe == null ? bestPretrained.name()
                : choose(fe, ft, find(results, PeftMethod.LORA.key()).orElse(null), trainExamples, threshold,
                        Math.max(2 * margin, se2), metric, reasons);
        if (fe == null) {
            reasons.add("best pretrained run: " + pick);
        }
        if (negative) {
            reasons.add("the pretrained weights do not help here: check the data (labels, language, domain) or try another backbone");
        }
        return new Recommendation(pick, threshold, negative, List.copyOf(reasons));
    }

    /** {@code r}'s compared figure on its scored split. */
    public static double score(RunResult r, ComparedMetric metric) {
        return r.scored().value(metric.name());
    }

    /**
     * Twice the standard error of a difference of two accuracies near {@code accuracy} measured on {@code n} examples:
     * {@code 2·√(2·p(1−p)/n)} ({@code n} below 1 counts as 1).
     */
    public static double twoStandardErrors(double accuracy, long n) {
        return 2 * Math.sqrt(2 * accuracy * (1 - accuracy) / Math.max(n, 1));
    }

    /**
     * The gap between two accuracies that counts (step 1 of the rule): {@code max(margin, twoStandardErrors(accuracy, n))}.
     *
     * @param accuracy the better-scoring run's accuracy (fraction)
     * @param n        evaluation examples both were scored on
     * @param margin   the smallest gap that matters to the user (fraction, e.g. {@link #DEFAULT_MARGIN})
     */
    public static double threshold(double accuracy, long n, double margin) {
        return Math.max(margin, twoStandardErrors(accuracy, n));
    }

    /** Step 3 of the rule: feature extraction, fine-tuning or LoRA (either of the last two may be absent). */
    private static String choose(RunResult fe, RunResult ft, RunResult lora, int trainExamples, double threshold,
                                 double smallDataThreshold, ComparedMetric metric, List<String> reasons) {
        boolean small = trainExamples < SMALL_DATA;
        double needed = small ? smallDataThreshold : threshold;
        String data = String.format(Locale.ROOT, "%d training examples (%s) need %s", trainExamples,
                small ? "small data: doubled margin" : "≥ " + SMALL_DATA, metric.format(needed, false));
        boolean ftPays = false;
        if (ft != null) {
            double gap = gap(ft, fe, metric);
            ftPays = gap > needed;
            reasons.add(String.format(Locale.ROOT, "fine-tune vs feature-extraction: %s; %s → %s", metric.format(gap, true), data,
                    ftPays ? "fine-tuning pays" : "it does not pay"));
        }
        if (lora != null) {
            double share = ft == null || ft.trainable() == 0 ? Double.NaN : (double) lora.trainable() / ft.trainable();
            String params = Double.isNaN(share) ? "" : String.format(Locale.ROOT, " at %.2f%% of its trainable parameters", 100 * share);
            if (ftPays) {
                double behind = gap(ft, lora, metric);
                boolean close = behind <= threshold && share < 1;
                reasons.add(String.format(Locale.ROOT, "lora vs fine-tune: %s%s; %s", metric.format(-behind, true), params,
                        close ? "within the threshold → lora" : "behind by more than the threshold → fine-tune"));
                return close ? lora.name() : ft.name();
            }
            double gap = gap(lora, fe, metric);
            boolean pays = gap > needed;
            reasons.add(String.format(Locale.ROOT, "lora vs feature-extraction: %s; %s → %s", metric.format(gap, true), data,
                    pays ? "lora" : "feature-extraction"));
            return pays ? lora.name() : fe.name();
        }
        return ftPays ? ft.name() : fe.name();
    }

    /** How much better {@code a} scores than {@code b} (scored split), in the figure's direction. */
    private static double gap(RunResult a, RunResult b, ComparedMetric metric) {
        return metric.gain(score(a, metric), score(b, metric));
    }

    private static Optional<RunResult> find(List<RunResult> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
