package dev.graft.artifact;

/**
 * One prediction.
 *
 * @param label         the most probable class
 * @param probability   its probability
 * @param probabilities probability of every class, in label-map order
 */
public record Prediction(String label, double probability, float[] probabilities) {
}
