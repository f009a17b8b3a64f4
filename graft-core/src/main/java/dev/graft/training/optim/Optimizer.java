package dev.graft.training.optim;

/**
 * Updates trainable parameters in place from their gradients. Created with the parameters it owns. Like
 * {@code torch.optim}, a step does not zero the gradients: Graft's backward pass
 * ({@link dev.graft.model.torch.FreshGradients}) replaces them, so zeroing would be a wasted pass over every gradient.
 */
public interface Optimizer {

    /** One update at the scheduled base learning rate (groups scale it). */
    void step(double learningRate);

    /** Updates taken so far. */
    long stepCount();
}
