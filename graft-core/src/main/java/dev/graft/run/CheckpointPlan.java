package dev.graft.run;

import dev.graft.training.Checkpointing;
import dev.graft.util.Arguments;
import java.nio.file.Path;

/**
 * Where a fine-tuning run keeps its checkpoints, text and images alike: {@code resume} continues the run
 * checkpointed there; otherwise checkpoints go to {@code checkpointDir}, or to {@code OUTPUT.checkpoint}, which a
 * successful run removes.
 *
 * @param directory   the checkpoint directory
 * @param everyEpochs write a checkpoint every this many epochs
 * @param resume      whether the run continues from {@link #directory}
 * @param keep        whether the checkpoint stays after a successful run (the user named its directory)
 * @param output      the run's output folder, which the checkpoint directory must stay clear of
 */
public record CheckpointPlan(Path directory, int everyEpochs, boolean resume, boolean keep, Path output) {

    /** The plan of a run writing {@code out}, with an optional checkpoint directory or one to resume from. */
    public static CheckpointPlan of(Path out, Path checkpointDir, Path resume, int everyEpochs) {
        Path dir = resume != null ? resume : checkpointDir != null ? checkpointDir
                : out.toAbsolutePath().resolveSibling(out.getFileName() + ".checkpoint");
        return new CheckpointPlan(dir, everyEpochs, resume != null, resume != null || checkpointDir != null, out);
    }

    /** Refuses to resume a strategy that keeps no checkpoints (feature extraction). */
    public static void refuseResume(Path resume) {
        if (resume != null) {
            throw new IllegalArgumentException(Arguments.name("resume") + " applies to " + Arguments.name("strategy")
                    + " fine-tune; feature extraction reuses its embedding cache instead.");
        }
    }

    /** Checks, before any data or model is read, that the directory can serve the run ({@link Checkpointing#checkStart}). */
    public void checkStart() {
        Checkpointing.checkStart(directory, resume, output);
    }

    /** Says where the checkpoints go and how to resume. */
    public void announce(RunListener listener) {
        listener.summary("checkpoints: " + directory + (resume ? " (resuming)"
                : "  (resume an interrupted run with " + Arguments.name("resume") + " " + directory + ")"));
    }

    /** After the model is saved: removes the checkpoint unless the user named its directory. */
    public void finished() {
        if (!keep) {
            Checkpointing.discard(directory);
        }
    }
}
