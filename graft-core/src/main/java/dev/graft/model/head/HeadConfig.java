package dev.graft.model.head;

/**
 * Shape of a head: classes, labels or one regression output.
 *
 * @param inputDim    width of the backbone's sentence vector
 * @param numClasses  number of outputs (≥ 1): classes, labels, or 1 for a regression value
 * @param hiddenUnits width of the optional hidden layer; 0 for a single linear layer
 * @param dropout     dropout probability on the input (and hidden) activations, in [0, 1)
 */
public record HeadConfig(int inputDim, int numClasses, int hiddenUnits, double dropout) {

    /** Validates the fields, naming the bad one. */
    public HeadConfig {
        if (inputDim <= 0) {
            throw new IllegalArgumentException("head inputDim must be positive, got " + inputDim);
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("a head needs at least one output, got " + numClasses);
        }
        if (hiddenUnits < 0) {
            throw new IllegalArgumentException("head hiddenUnits must be ≥ 0 (0 = no hidden layer), got " + hiddenUnits);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("head dropout must be in [0, 1), got " + dropout);
        }
    }
}
