package dev.graft.cli;

import dev.graft.training.Checkpointing;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Where a fine-tuning run of {@code graft train} keeps its checkpoints, text and images alike: {@code --resume DIR}
 * continues the run checkpointed in DIR; otherwise checkpoints go to {@code --checkpoint-dir}, or to
 * {@code OUT.checkpoint}, which a successful run removes.
 *
 * @param directory   the checkpoint directory
 * @param everyEpochs {@code --checkpoint-every}
 * @param resume      whether the run continues from {@link #directory}
 * @param keep        whether the checkpoint stays after a successful run (the user named its directory)
 * @param output      the run's output folder, which the checkpoint directory must stay clear of
 */
record CheckpointPlan(Path directory, int everyEpochs, boolean resume, boolean keep, Path output) {

    /** The plan of {@code graft train --out out [--checkpoint-dir checkpointDir] [--resume resume]}. */
    static CheckpointPlan of(Path out, Path checkpointDir, Path resume, int everyEpochs) {
        Path dir = resume != null ? resume : checkpointDir != null ? checkpointDir
                : out.toAbsolutePath().resolveSibling(out.getFileName() + ".checkpoint");
        return new CheckpointPlan(dir, everyEpochs, resume != null, resume != null || checkpointDir != null, out);
    }

    /** Refuses {@code --resume} for a strategy that keeps no checkpoints (feature extraction). */
    static void refuseResume(Path resume) {
        if (resume != null) {
            throw new IllegalArgumentException("--resume applies to --strategy fine-tune; feature extraction reuses its embedding"
                    + " cache instead.");
        }
    }

    /** Checks, before any data or model is read, that the directory can serve the run ({@link Checkpointing#checkStart}). */
    void checkStart() {
        Checkpointing.checkStart(directory, resume, output);
    }

    /** Says where the checkpoints go and how to resume. */
    void announce(PrintStream err, boolean quiet) {
        if (!quiet) {
            err.println("checkpoints: " + directory + (resume ? " (resuming)" : "  (resume an interrupted run with --resume " + directory + ")"));
        }
    }

    /** After the model is saved: removes the checkpoint unless the user named its directory. */
    void finished() {
        if (!keep) {
            Checkpointing.discard(directory);
        }
    }
}
