package dev.graft.training;

/** The loss became NaN or infinite; training stops rather than save a broken model. */
public final class TrainingDivergedException extends RuntimeException {

    /** Describes where the loss diverged and what to try. */
    public TrainingDivergedException(int epoch, int step, double loss, double learningRate) {
        super("Training diverged: loss is " + loss + " at epoch " + epoch + ", step " + step
                + " (learning rate " + learningRate + "). Lower the learning rate (e.g. --lr " + (learningRate / 10)
                + ") or check the data for extreme values.");
    }
}
