package dev.graft.training;

/** Observes training (progress display, logging, tracking). Listeners read; they never steer. */
public interface TrainingListener {

    /** Called before the first epoch. */
    default void onTrainStart(int epochs, int stepsPerEpoch) {
    }

    /** Called after every optimiser step with the batch loss. */
    default void onStep(int epoch, int step, double loss) {
    }

    /** Called after each epoch's validation. */
    default void onEpochEnd(EpochLog log) {
    }

    /** Called once training ends. */
    default void onTrainEnd(FitResult result) {
    }
}
