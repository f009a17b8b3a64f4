package dev.graft.cli;

import java.nio.file.Path;

/** The CLI's use of core's {@link dev.graft.run.CheckpointPlan} for commands that run outside core's training run. */
final class CheckpointPlan {

    private CheckpointPlan() {
    }

    /** Refuses {@code --resume} for a strategy that keeps no checkpoints. */
    static void refuseResume(Path resume) {
        dev.graft.run.CheckpointPlan.refuseResume(resume);
    }
}
