package dev.graft.strategy.adapt;

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
 */
public record AdaptationResult(AdaptMethod method, ClassifierHead head, FitResult fit, ClassificationMetrics sourceValidation,
                               Optional<ClassificationMetrics> sourceOnlyEval, Optional<ClassificationMetrics> adaptedEval,
                               double padBefore, double padAfter, int sourceTrain, int sourceVal, int target) {

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
        return m;
    }
}
