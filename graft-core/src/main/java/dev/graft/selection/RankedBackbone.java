package dev.graft.selection;

import dev.graft.metrics.TaskMetrics;
import java.util.Optional;

/**
 * A candidate backbone's LogME score on the training split, and optionally its measured
 * feature-extraction result.
 *
 * @param name           the name the user gave
 * @param id             the backbone's id
 * @param logMe          LogME of its frozen features for the training labels (higher is better)
 * @param featureSeconds time to obtain the features (near zero from the embedding cache)
 * @param scoreSeconds   time to compute LogME
 * @param measured       feature-extraction metrics of the task (test split when given, else validation), when measured
 */
public record RankedBackbone(String name, String id, double logMe, double featureSeconds, double scoreSeconds,
                             Optional<TaskMetrics> measured) {
}
