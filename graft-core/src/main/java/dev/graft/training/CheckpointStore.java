package dev.graft.training;

import dev.graft.util.Arguments;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes a checkpoint directory: {@code state.json} (epoch, counters, history,
 * fingerprint), {@code model.safetensors}, {@code optimizer.safetensors} and, once there is a
 * best epoch, {@code best.safetensors}. Each save replaces the whole directory atomically, so a
 * crash leaves the previous checkpoint intact.
 */
final class CheckpointStore {

    static final String STATE = "state.json";
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * What a checkpoint records besides tensors.
     *
     * @param formatVersion  layout version
     * @param fingerprint    model + data + settings identity
     * @param epoch          epochs completed
     * @param optimizerSteps total optimiser steps
     * @param parameterSteps per-parameter optimiser steps
     * @param bestScore      best monitored value so far
     * @param bestLoss       validation loss at the best epoch
     * @param bestEpoch      1-based best epoch (0 = none yet)
     * @param sinceBest      epochs since the best one
     * @param history        epoch logs so far
     */
    record State(int formatVersion, String fingerprint, int epoch, long optimizerSteps, Map<String, Long> parameterSteps,
                 double bestScore, double bestLoss, int bestEpoch, int sinceBest, List<EpochLog> history) {
    }

    /** A loaded checkpoint. */
    record Loaded(State state, Map<String, TensorData> model, Map<String, TensorData> optimizer, Map<String, TensorData> best) {
    }

    private CheckpointStore() {
    }

    static void save(Path dir, State state, Map<String, TensorData> model, Map<String, TensorData> optimizer,
                     Map<String, TensorData> best) throws IOException {
        OwnedDirectory.write(dir, Checkpointing.KIND, staging -> {
            SafeTensors.write(staging.resolve("model.safetensors"), model.values(), Map.of("format", "graft-checkpoint"));
            SafeTensors.write(staging.resolve("optimizer.safetensors"), optimizer.values(), Map.of("format", "graft-checkpoint"));
            if (best != null) {
                SafeTensors.write(staging.resolve("best.safetensors"), best.values(), Map.of("format", "graft-checkpoint"));
            }
            Files.writeString(staging.resolve(STATE), JSON.writeValueAsString(state));
        });
    }

    static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE));
    }

    static Loaded load(Path dir) {
        try {
            State state = JSON.readValue(dir.resolve(STATE).toFile(), State.class);
            if (state.formatVersion() != FORMAT_VERSION) {
                throw new IllegalArgumentException("Checkpoint " + dir + " has format version " + state.formatVersion()
                        + "; this Graft reads version " + FORMAT_VERSION + ". Start a new run without " + Arguments.name("resume") + ".");
            }
            Path best = dir.resolve("best.safetensors");
            return new Loaded(state, readAll(dir.resolve("model.safetensors")), readAll(dir.resolve("optimizer.safetensors")),
                    Files.exists(best) ? readAll(best) : null);
        } catch (IOException e) {
            throw new IllegalArgumentException("Checkpoint " + dir + " is corrupted or incomplete (" + e.getMessage()
                    + "). Delete it and train again without " + Arguments.name("resume") + ".", e);
        }
    }

    private static Map<String, TensorData> readAll(Path file) throws IOException {
        Map<String, TensorData> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            for (TensorData t : f.readAll()) {
                out.put(t.name(), t);
            }
        }
        return out;
    }
}
