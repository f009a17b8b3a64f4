package dev.graft.artifact;

import java.util.List;
import java.util.Map;

/**
 * {@code provenance.json}: everything needed to know how a model was made and to replay the run.
 *
 * @param createdAt   ISO-8601 time of saving
 * @param strategy    training strategy
 * @param seed        the run's seed
 * @param settings    every training setting, by name
 * @param data        fingerprints of the data sets used, by split name
 * @param backbone    the pretrained model's id, checksum, licence and source
 * @param versions    Graft, DJL, libtorch, ONNX Runtime, Java and OS versions
 * @param metrics     summary figures (validation and test)
 * @param commandLine the CLI arguments when run from the CLI, else empty
 */
public record Provenance(String createdAt, String strategy, long seed, Map<String, Object> settings,
                         Map<String, DataFingerprint> data, Map<String, String> backbone, Map<String, String> versions,
                         Map<String, Object> metrics, List<String> commandLine) {

    /**
     * @param path        the file read (absolute), or {@code null} for in-memory data
     * @param fileSha256  SHA-256 of the file's bytes
     * @param contentSha256 SHA-256 of the examples actually used (after splitting)
     * @param rows        number of examples
     * @param classCounts examples per class
     */
    public record DataFingerprint(String path, String fileSha256, String contentSha256, int rows,
                                  Map<String, Integer> classCounts) {
    }

    /** A copy with the command line that produced the model. */
    public Provenance withCommandLine(List<String> args) {
        return new Provenance(createdAt, strategy, seed, settings, data, backbone, versions, metrics, List.copyOf(args));
    }
}
