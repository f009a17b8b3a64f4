package dev.graft.training.optim;

/**
 * Updates trainable parameters in place from their accumulated gradients, then zeroes the
 * gradients. Created with the parameters it owns.
 */
public interface Optimizer {

    /** One update at the scheduled base learning rate (groups scale it). */
    void step(double learningRate);

    /** Updates taken so far. */
    long stepCount();
}
