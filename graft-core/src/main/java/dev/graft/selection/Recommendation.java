package dev.graft.selection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a comparison recommends, by a fixed rule on the measured scores (accuracy on the test split,
 * else validation) and the training-set size:
 * <ol>
 *   <li>A gap between two runs counts only when it exceeds the <em>threshold</em>
 *       {@code max(margin, 2·√(2·p(1−p)/n))}: the user's margin (default 2 points) or twice the
 *       standard error of a difference of two accuracies near p on n evaluation examples, whichever is larger.</li>
 *   <li><b>Negative-transfer check</b>: when the best pretrained run does not beat the random-init
 *       baseline by the threshold, the pretrained weights are not helping on this data (flagged).</li>
 *   <li><b>Strategy</b>: fine-tuning is recommended when it beats feature extraction by the threshold
 *       — by twice the threshold when there are fewer than {@value #SMALL_DATA} training examples,
 *       where fine-tuning overfits easily and gains on a small evaluation split are noisy;
 *       otherwise feature extraction, which is cheaper to train, store and serve.</li>
 * </ol>
 *
 * @param recommended    the run recommended
 * @param threshold      the gap that counts (fraction, e.g. 0.02)
 * @param negativeTransfer whether the check fired
 * @param reasons        the rule's steps as sentences, in order
 */
public record Recommendation(String recommended, double threshold, boolean negativeTransfer, List<String> reasons) {

    /** Below this many training examples the data set is small. */
    public static final int SMALL_DATA = 1000;
    /** Default margin in accuracy (2 points). */
    public static final double DEFAULT_MARGIN = 0.02;

    /** Applies the rule to {@code results} (must include feature extraction, fine-tuning and a baseline where present). */
    public static Recommendation of(List<RunResult> results, int trainExamples, double margin) {
        RunResult fe = find(results, "feature-extraction").orElse(null);
        RunResult ft = find(results, "fine-tune").orElse(null);
        Optional<RunResult> base = results.stream().filter(RunResult::baseline).findFirst();
        RunResult bestPretrained = results.stream().filter(r -> !r.baseline())
                .max(java.util.Comparator.comparingDouble(r -> r.scored().accuracy()))
                .orElseThrow(() -> new IllegalArgumentException("a comparison needs at least one pretrained run"));
        double p = bestPretrained.scored().accuracy();
        long n = bestPretrained.scored().n();
        double se2 = 2 * Math.sqrt(2 * p * (1 - p) / Math.max(n, 1));
        double threshold = Math.max(margin, se2);
        List<String> reasons = new ArrayList<>();
        reasons.add(String.format(Locale.ROOT, "a gap counts above %.1f points (max of margin %.1f and 2 standard errors %.1f on %d %s examples)",
                100 * threshold, 100 * margin, 100 * se2, n, bestPretrained.scoredSplit()));
        boolean negative = false;
        if (base.isPresent()) {
            double gain = p - base.get().scored().accuracy();
            negative = gain < threshold;
            reasons.add(String.format(Locale.ROOT, "%s: best pretrained run (%s) %s the random-init baseline by %+.1f points",
                    negative ? "NEGATIVE-TRANSFER CHECK FAILED" : "transfer helps", bestPretrained.name(),
                    negative ? "does not beat" : "beats", 100 * gain));
        }
        String pick;
        if (fe != null && ft != null) {
            boolean small = trainExamples < SMALL_DATA;
            double needed = small ? 2 * threshold : threshold;
            double gap = ft.scored().accuracy() - fe.scored().accuracy();
            pick = gap > needed ? ft.name() : fe.name();
            reasons.add(String.format(Locale.ROOT, "fine-tune vs feature-extraction: %+.1f points; %d training examples (%s) need %.1f points → %s",
                    100 * gap, trainExamples, small ? "small data, doubled threshold" : "≥ " + SMALL_DATA, 100 * needed, pick));
        } else {
            pick = bestPretrained.name();
            reasons.add("best pretrained run: " + pick);
        }
        if (negative) {
            reasons.add("the pretrained weights do not help here: check the data (labels, language, domain) or try another backbone");
        }
        return new Recommendation(pick, threshold, negative, List.copyOf(reasons));
    }

    private static Optional<RunResult> find(List<RunResult> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
