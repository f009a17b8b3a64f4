package dev.graft.model.card;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A summary of a pretrained model, as {@code graft models info} prints it.
 *
 * @param id             the model's id (Hub repository, bundled id, or directory)
 * @param directory      where its files are
 * @param architecture   e.g. {@code BERT}, {@code DISTILBERT}, {@code ROBERTA}
 * @param parameterCount encoder parameters (task and language-model heads excluded)
 * @param hiddenSize     width of token vectors
 * @param layers         encoder layers
 * @param heads          attention heads per layer
 * @param maxLength      longest input in tokens
 * @param inputs         the input tensors, e.g. {@code input_ids, attention_mask [batch, tokens] int64}
 * @param tokenizer      the tokenizer kind and file
 * @param license        the licence id, or {@code unknown}
 * @param licenseSource  where the licence was read from
 */
public record ModelInfo(String id, Path directory, String architecture, long parameterCount, int hiddenSize,
                        int layers, int heads, int maxLength, String inputs, String tokenizer, String license,
                        String licenseSource) {

    /** Validates. */
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(tokenizer, "tokenizer");
        license = license == null || license.isBlank() ? "unknown" : license;
        licenseSource = licenseSource == null ? "none" : licenseSource;
        if (parameterCount < 0 || hiddenSize <= 0 || layers <= 0 || heads <= 0 || maxLength <= 0) {
            throw new IllegalArgumentException("model sizes must be positive: " + parameterCount + ", " + hiddenSize
                    + ", " + layers + ", " + heads + ", " + maxLength);
        }
    }

    /** The licence's status. */
    public Licenses.Status licenseStatus() {
        return Licenses.status(license.equals("unknown") ? null : license);
    }

    /** Aligned {@code key: value} lines. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        line(sb, "model", id);
        line(sb, "directory", directory.toString());
        line(sb, "architecture", architecture);
        line(sb, "parameters", String.format("%,d (%.1fM)", parameterCount, parameterCount / 1e6));
        line(sb, "hidden size", Integer.toString(hiddenSize));
        line(sb, "layers", Integer.toString(layers));
        line(sb, "heads", Integer.toString(heads));
        line(sb, "max length", maxLength + " tokens");
        line(sb, "inputs", inputs);
        line(sb, "tokenizer", tokenizer);
        String status = switch (licenseStatus()) {
            case NON_COMMERCIAL -> " (NON-COMMERCIAL: no commercial use)";
            case UNKNOWN -> " (unknown terms: check the model page)";
            default -> "";
        };
        line(sb, "licence", license + status + " [from " + licenseSource + "]");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format("%-13s %s%n", key + ":", value));
    }
}
