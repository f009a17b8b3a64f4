package dev.graft.model.text;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A pretrained text encoder on disk: its ONNX graph, tokenizer and the metadata that decides how
 * it is used (pooling, maximum length). Callers never set these by hand; they come from the model.
 *
 * @param id         stable identifier, e.g. {@code sentence-transformers/all-MiniLM-L6-v2}
 * @param directory  folder holding {@code model.onnx}, {@code tokenizer.json}, {@code backbone.json}
 * @param sha256     SHA-256 of the weights file ({@code model.onnx}, else {@code model.safetensors} or {@code pytorch_model.bin}),
 *                   recorded in provenance and checked on load
 * @param maxLength  maximum tokens per text
 * @param pooling    how token vectors become a sentence vector
 * @param license    the model's licence as its card states it, or {@code unknown}
 * @param source     where the weights came from (URL or artefact coordinates)
 */
public record TextModelSpec(String id, Path directory, String sha256, int maxLength, Pooling pooling,
                            String license, String source) {

    /** File name of the ONNX graph inside {@link #directory()}. */
    public static final String ONNX_FILE = "model.onnx";
    /** File name of the tokenizer inside {@link #directory()}. */
    public static final String TOKENIZER_FILE = "tokenizer.json";
    /** File name of the metadata inside {@link #directory()}. */
    public static final String METADATA_FILE = "backbone.json";

    /** Validates the fields. */
    public TextModelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(pooling, "pooling");
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
        license = license == null ? "unknown" : license;
        source = source == null ? "unknown" : source;
    }

    /** The ONNX graph. */
    public Path onnxFile() {
        return directory.resolve(ONNX_FILE);
    }

    /** Whether the model has an ONNX export (the fast frozen path); otherwise it has safetensors weights. */
    public boolean hasOnnx() {
        return java.nio.file.Files.isRegularFile(onnxFile());
    }

    /** The file whose checksum is {@link #sha256()}: {@code model.onnx} when present, else {@code model.safetensors}. */
    public Path weightsFile() {
        return hasOnnx() ? onnxFile() : dev.graft.model.bert.BertBackbone.weightsFile(directory);
    }

    /** The tokenizer. */
    public Path tokenizerFile() {
        return directory.resolve(TOKENIZER_FILE);
    }
}
