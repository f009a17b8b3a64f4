package dev.graft.task;

import java.util.List;
import java.util.Map;

/**
 * One example's prediction, for users: a class with its probability; the labels above their thresholds with their
 * probabilities; or a value.
 *
 * @param labels the predicted class (one) or labels (any number, best first); empty for regression
 * @param score  the probability of the predicted class, the highest label probability, or NaN for regression
 * @param value  the predicted number (regression), else NaN
 * @param scores every output's activated score by name (class or label probabilities), or the value by the target's name
 */
public record TaskPrediction(List<String> labels, double score, double value, Map<String, Double> scores) {

    /** Copies the collections. */
    public TaskPrediction {
        labels = List.copyOf(labels);
        scores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scores));
    }
}
