package dev.graft.strategy.adapt;

import dev.graft.util.Arguments;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.model.head.ClassifierHead;
import dev.graft.training.FitResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a domain-adaptation run produced.
 *
 * @param method           the method
 * @param head             the adapted classifier (for source-only, the baseline itself), applied to raw target features
 * @param fit              the adapted head's training history
 * @param sourceValidation the adapted head on held-out source examples
 * @param sourceOnlyEval   the source-only baseline on the labelled target evaluation set, if one was given
 * @param adaptedEval      the adapted head on the target evaluation set, if one was given
 * @param padBefore        proxy A-distance between the raw frozen source and target features
 * @param padAfter         proxy A-distance between the adapted head's representations of (aligned) source and target features
 * @param sourceTrain      source examples trained on
 * @param sourceVal        source examples held out
 * @param target           unlabelled target examples
 * @param adaptedEvalProbabilities the adapted head's class probabilities on each evaluation example, in order (error
 *                         analysis), if an evaluation set was given
 */
public record AdaptationResult(AdaptMethod method, ClassifierHead head, FitResult fit, ClassificationMetrics sourceValidation,
                               Optional<ClassificationMetrics> sourceOnlyEval, Optional<ClassificationMetrics> adaptedEval,
                               double padBefore, double padAfter, int sourceTrain, int sourceVal, int target,
                               Optional<float[][]> adaptedEvalProbabilities) {

    /** Flat metrics for {@code metrics.json} and printing. */
    public Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method.key());
        m.put("best_epoch", fit.bestEpoch());
        m.put("source_val_accuracy", sourceValidation.accuracy());
        m.put("source_val_macro_f1", sourceValidation.macroF1());
        sourceOnlyEval.ifPresent(e -> {
            m.put("target_source_only_accuracy", e.accuracy());
            m.put("target_source_only_macro_f1", e.macroF1());
        });
        adaptedEval.ifPresent(e -> {
            m.put("target_adapted_accuracy", e.accuracy());
            m.put("target_adapted_macro_f1", e.macroF1());
        });
        m.put("proxy_a_distance_before", padBefore);
        m.put("proxy_a_distance_after", padAfter);
        m.put("source_train_examples", sourceTrain);
        m.put("source_val_examples", sourceVal);
        m.put("target_unlabelled_examples", target);
        alignmentWarning().ifPresent(w -> m.put("alignment_warning", w));
        return m;
    }

    /** How much the proxy A-distance must fall for a method to count as having aligned the domains. */
    public static final double ALIGNMENT_MARGIN = 0.1;

    /**
     * A warning when an adaptation method left the domains as separable as before (proxy A-distance down by less than
     * {@value #ALIGNMENT_MARGIN}): its target accuracy then differs from source-only by training noise, not by alignment.
     * Empty for the source-only baseline and when the distance fell.
     */
    public Optional<String> alignmentWarning() {
        if (method == AdaptMethod.SOURCE_ONLY || padAfter < padBefore - ALIGNMENT_MARGIN) {
            return Optional.empty();
        }
        String why = method == AdaptMethod.DANN
                ? " On a frozen backbone only the adapter layer can move, and it tends to fool the jointly trained domain"
                + " classifier (flipping which side each domain is on) rather than remove what tells the domains apart."
                : "";
        return Optional.of(String.format(java.util.Locale.ROOT, "%s did not align the domains: proxy A-distance %.2f before, %.2f after.%s"
                + " Try " + Arguments.name("method") + " mmd or coral, or a backbone fine-tuned on the labelled source (" + Arguments.name("model")
                + " DIR, where DIR was written by " + Arguments.name("Graft.train") + " with " + Arguments.name("strategy") + " fine-tune on the source data).", method.key(), padBefore, padAfter, why));
    }
}
