package dev.graft.training;

import dev.graft.util.Arguments;
/** The loss became NaN or infinite; training stops rather than save a broken model. */
public final class TrainingDivergedException extends RuntimeException {

    /**
     * Describes where the loss diverged and what to try.
     *
     * @param lastCheckpoint the last good checkpoint, kept as it was, or {@code null}
     */
    public TrainingDivergedException(int epoch, int step, double loss, double learningRate, java.nio.file.Path lastCheckpoint) {
        super("Training diverged: the loss (or the gradient norm) is " + loss + " at epoch " + epoch + ", step " + step
                + " (learning rate " + learningRate + "). Lower the learning rate (e.g. " + Arguments.name("learningRate") + " " + (learningRate / 10)
                + ") or check the data for extreme values."
                + (lastCheckpoint == null ? "" : " The last good checkpoint is kept in " + lastCheckpoint + "."));
    }
}
