package dev.graft.training;

import dev.graft.tensor.io.DirectoryKind;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * Crash-safe checkpoints of a training run.
 *
 * @param directory   where the checkpoint lives (replaced atomically at every save)
 * @param everyEpochs save after every {@code everyEpochs} epochs (≥ 1)
 * @param fingerprint identifies model, data and settings; a resume with another fingerprint is refused
 * @param resume      continue from the checkpoint in {@code directory} instead of starting afresh
 */
public record Checkpointing(Path directory, int everyEpochs, String fingerprint, boolean resume) {

    /** A checkpoint directory; older ones (before ownership markers) are recognised by their {@code state.json}. */
    public static final DirectoryKind KIND = new DirectoryKind("checkpoint", "training checkpoint", CheckpointStore.STATE,
            Set.of(CheckpointStore.STATE, "model.safetensors", "optimizer.safetensors", "best.safetensors"), "formatVersion");

    /**
     * Checks, before training, that {@code directory} can serve a run: with {@code resume} it must hold a checkpoint;
     * without, it must be absent or empty, so that a new run never overwrites the resumable state of another one, nor
     * a folder of the user's.
     *
     * @throws IllegalArgumentException naming the directory and what to do
     */
    public static void checkStart(Path directory, boolean resume) {
        if (resume) {
            if (!CheckpointStore.exists(directory)) {
                throw new IllegalArgumentException("No checkpoint to resume in " + directory + " (no " + CheckpointStore.STATE
                        + "). Name the checkpoint directory of the interrupted run, or train without resuming.");
            }
            return;
        }
        OwnedDirectory.checkWritable(directory, KIND);
        if (CheckpointStore.exists(directory)) {
            throw new IllegalArgumentException("Checkpoint directory " + directory + " holds the checkpoint of an interrupted run."
                    + " Resume that run from it, or delete it (or name another checkpoint directory) to start afresh.");
        }
    }

    /**
     * A fingerprint for {@link #fingerprint()}: the SHA-256 of {@code parts} in order — typically the backbone's
     * checksum, the training and validation data's digests and every setting — so that a checkpoint is only resumed
     * by a run of the same model, data and settings.
     */
    public static String fingerprint(String... parts) {
        MessageDigest md = Hashes.sha256();
        for (String p : parts) {
            Hashes.update(md, p);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * As {@link #checkStart(Path, boolean)}, also refusing a checkpoint directory that is, holds or lies inside the
     * run's {@code output} folder: the checkpoint and the saved result must not overwrite each other.
     */
    public static void checkStart(Path directory, boolean resume, Path output) {
        Path c = directory.toAbsolutePath().normalize();
        Path o = output.toAbsolutePath().normalize();
        if (c.startsWith(o) || o.startsWith(c)) {
            throw new IllegalArgumentException("Checkpoint directory " + directory + (c.equals(o) ? " is the output folder"
                    : c.startsWith(o) ? " lies inside the output folder " + output : " holds the output folder " + output)
                    + "; the checkpoint and the saved result would overwrite each other. Name a checkpoint directory beside it.");
        }
        checkStart(directory, resume);
    }

    /** Deletes a finished run's checkpoint: the files Graft wrote there; anything else stays. */
    public static void discard(Path directory) {
        try {
            if (Files.exists(directory) && OwnedDirectory.isOwned(directory, KIND)) {
                OwnedDirectory.delete(directory, KIND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the finished run's checkpoint " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Validates the fields. */
    public Checkpointing {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("checkpoint interval must be ≥ 1 epoch, got " + everyEpochs);
        }
    }
}
