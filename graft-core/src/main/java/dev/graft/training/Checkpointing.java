package dev.graft.training;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Crash-safe checkpoints of a training run.
 *
 * @param directory   where the checkpoint lives (replaced atomically at every save)
 * @param everyEpochs save after every {@code everyEpochs} epochs (≥ 1)
 * @param fingerprint identifies model, data and settings; a resume with another fingerprint is refused
 * @param resume      continue from the checkpoint in {@code directory} instead of starting afresh
 */
public record Checkpointing(Path directory, int everyEpochs, String fingerprint, boolean resume) {

    /** Validates the fields. */
    public Checkpointing {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("checkpoint interval must be ≥ 1 epoch, got " + everyEpochs);
        }
    }
}
