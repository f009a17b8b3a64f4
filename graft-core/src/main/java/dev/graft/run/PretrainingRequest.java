package dev.graft.run;

import dev.graft.data.DataOptions;
import dev.graft.strategy.PretrainConfig;
import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Continued masked-language-model pre-training ({@code graft pretrain}): the files of texts (labelled CSV, TSV or JSON
 * Lines; their labels are ignored), texts to keep out, the encoder to continue from, where the adapted encoder goes,
 * the settings ({@link PretrainConfig}) and the checkpoints. What is not set keeps the CLI's default.
 */
public final class PretrainingRequest {

    /** Epochs between checkpoints unless told otherwise. */
    public static final int DEFAULT_CHECKPOINT_EVERY = 1;

    private final List<Path> textFiles;
    private final Path output;
    private List<Path> excludeFiles = List.of();
    private DataOptions data = DataOptions.defaults();
    private String model = TrainingRequest.DEFAULT_TEXT_MODEL;
    private PretrainConfig config = PretrainConfig.defaults();
    private Integer maxTexts;
    private int checkpointEvery = DEFAULT_CHECKPOINT_EVERY;
    private Path checkpointDir;
    private Path resume;

    private PretrainingRequest(List<Path> textFiles, Path output) {
        if (textFiles == null || textFiles.isEmpty()) {
            throw new IllegalArgumentException(Arguments.name("textFiles") + " needs at least one file of texts.");
        }
        this.textFiles = List.copyOf(textFiles);
        this.output = Objects.requireNonNull(output, "output");
    }

    /** Pre-training on the texts of {@code textFiles}, the adapted encoder written to the backbone directory {@code output}. */
    public static PretrainingRequest of(List<Path> textFiles, Path output) {
        return new PretrainingRequest(textFiles, output);
    }

    /** Drops every text that also occurs in one of these files (e.g. an evaluation split); default none. */
    public PretrainingRequest excludeFiles(List<Path> files) {
        excludeFiles = List.copyOf(files);
        return this;
    }

    /** How the files are read: columns and format ({@link DataOptions#defaults()}). */
    public PretrainingRequest data(DataOptions value) {
        data = Objects.requireNonNull(value, "data");
        return this;
    }

    /** The encoder to continue from: a bundled name, a model directory or a Hub reference (default minilm). */
    public PretrainingRequest model(String value) {
        model = Objects.requireNonNull(value, "model");
        return this;
    }

    /** The objective's and the loop's settings (default {@link PretrainConfig#defaults()}). */
    public PretrainingRequest config(PretrainConfig value) {
        config = Objects.requireNonNull(value, "config");
        return this;
    }

    /** Uses a seeded random sample of at most this many texts (at least 2); {@code null}: all (the default). */
    public PretrainingRequest maxTexts(Integer value) {
        if (value != null && value < 2) {
            throw new IllegalArgumentException(Arguments.name("maxTexts") + " must be at least 2, got " + value);
        }
        maxTexts = value;
        return this;
    }

    /** Writes a checkpoint every this many epochs (default {@value #DEFAULT_CHECKPOINT_EVERY}). */
    public PretrainingRequest checkpointEvery(int epochs) {
        checkpointEvery = epochs;
        return this;
    }

    /** Where checkpoints go and stay (default: {@code OUTPUT.checkpoint}, removed after a successful run). */
    public PretrainingRequest checkpointDir(Path value) {
        checkpointDir = value;
        return this;
    }

    /** Continues the interrupted run checkpointed in {@code value} (same settings as that run); {@code null}: a new run. */
    public PretrainingRequest resume(Path value) {
        resume = value;
        return this;
    }

    /** The files of texts. */
    public List<Path> textFiles() {
        return textFiles;
    }

    /** The files whose texts are left out. */
    public List<Path> excludeFiles() {
        return excludeFiles;
    }

    /** How the files are read. */
    public DataOptions data() {
        return data;
    }

    /** The encoder continued from. */
    public String model() {
        return model;
    }

    /** Where the adapted encoder is written. */
    public Path output() {
        return output;
    }

    /** The settings. */
    public PretrainConfig config() {
        return config;
    }

    /** The sample size, or {@code null} for all texts. */
    public Integer maxTexts() {
        return maxTexts;
    }

    /** Where the run keeps its checkpoints. */
    public CheckpointPlan checkpoints() {
        return CheckpointPlan.of(output, checkpointDir, resume, checkpointEvery);
    }
}
