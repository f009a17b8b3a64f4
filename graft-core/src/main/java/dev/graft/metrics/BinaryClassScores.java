package dev.graft.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a two-class classifier's evaluation adds to its {@link ClassificationMetrics}: how well the positive class's
 * probability ranks the positives first ({@link RankingMetrics}: ROC-AUC, PR-AUC and both curves), and the decision
 * rule its predictions followed.
 *
 * @param positiveLabel the class whose probability is ranked and thresholded
 * @param ranking       ROC-AUC, average precision (PR-AUC) and the curves of that probability
 * @param threshold     the positive class was predicted when its probability reached this; empty: the most probable
 *                      class was predicted
 * @param tunedFor      the metric the threshold was tuned for on validation data; empty when it was given, or absent
 */
public record BinaryClassScores(String positiveLabel, RankingMetrics ranking, OptionalDouble threshold,
                                Optional<BinaryMetric> tunedFor) {

    /** Checks that every part is present. */
    public BinaryClassScores {
        Objects.requireNonNull(positiveLabel, "positiveLabel");
        Objects.requireNonNull(ranking, "ranking");
        Objects.requireNonNull(threshold, "threshold (use OptionalDouble.empty())");
        Objects.requireNonNull(tunedFor, "tunedFor (use Optional.empty())");
    }

    /** ROC-AUC of the positive class's probability. */
    public double rocAuc() {
        return ranking.rocAuc();
    }

    /** PR-AUC (average precision) of the positive class's probability. */
    public double prAuc() {
        return ranking.averagePrecision();
    }

    /** The decision rule in words, e.g. {@code P(spam) ≥ 0.2310, tuned on validation for f1}. */
    public String decisionRule() {
        if (threshold.isEmpty()) {
            return "most probable class (argmax)";
        }
        return String.format(java.util.Locale.ROOT, "P(%s) ≥ %.4f", positiveLabel, threshold.getAsDouble())
                + tunedFor.map(m -> ", tuned on validation for " + m.key()).orElse(", as given");
    }

    /**
     * {@code {positive_label, roc_auc, pr_auc, positives, negatives, decision_threshold, threshold_tuned_for}}; the
     * threshold is {@code null} for argmax decisions, {@code threshold_tuned_for} present only for a tuned one.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("positive_label", positiveLabel);
        m.put("roc_auc", rocAuc());
        m.put("pr_auc", prAuc());
        m.put("positives", ranking.positives());
        m.put("negatives", ranking.negatives());
        m.put("decision_threshold", threshold.isPresent() ? threshold.getAsDouble() : null);
        tunedFor.ifPresent(t -> m.put("threshold_tuned_for", t.key()));
        return m;
    }
}
