package dev.graft.run;

import dev.graft.training.TrainingListener;
import java.nio.file.Path;
import java.util.List;

/**
 * What a strategy's training step gets besides data, model and settings: the front end's listener, the epoch
 * listeners (the front end's and run tracking's) and where checkpoints go.
 *
 * @param listener        progress and messages
 * @param epochs          listeners of every epoch
 * @param checkpointDir   where a strategy that trains the backbone keeps checkpoints ({@code null}: none)
 * @param checkpointEvery write a checkpoint every this many epochs
 * @param resume          whether the run continues from the checkpoint in {@code checkpointDir}
 */
public record TrainingContext(RunListener listener, List<TrainingListener> epochs, Path checkpointDir, int checkpointEvery,
                              boolean resume) {

    /** Workers that decode and augment images (one or two). */
    public int imageWorkers(TrainingRequest request) {
        return Math.max(1, Math.min(2, request.imageThreads()));
    }
}
