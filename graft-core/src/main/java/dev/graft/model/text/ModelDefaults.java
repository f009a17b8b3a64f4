package dev.graft.model.text;

import dev.graft.model.ModelFileLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.card.ModelCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a model directory without Graft's {@code backbone.json} says about itself, in the files
 * Hugging Face and sentence-transformers write: maximum length, pooling, licence.
 */
final class ModelDefaults {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FALLBACK_MAX_LENGTH = 512;

    private ModelDefaults() {
    }

    /**
     * sentence-transformers' {@code max_seq_length}, else the tokenizer's truncation length, else
     * {@code tokenizer_config.json}'s {@code model_max_length}; never more than the model's positions.
     */
    static int maxLength(Path dir) {
        int positions = intField(dir.resolve(BertBackbone.CONFIG_FILE), "max_position_embeddings", FALLBACK_MAX_LENGTH);
        int declared = intField(dir.resolve("sentence_bert_config.json"), "max_seq_length", 0);
        if (declared <= 0) {
            declared = TextTokenizer.TokenizerSettings.read(dir.resolve(TextModelSpec.TOKENIZER_FILE)).maxLength();
        }
        if (declared <= 0) {
            declared = intField(dir.resolve("tokenizer_config.json"), "model_max_length", 0);
        }
        return declared > 0 ? Math.min(declared, positions) : Math.min(FALLBACK_MAX_LENGTH, positions);
    }

    /** CLS when sentence-transformers' pooling config asks for it, else mean pooling. */
    static Pooling pooling(Path dir) {
        JsonNode n = read(dir.resolve("1_Pooling").resolve("config.json"));
        if (n != null && n.path("pooling_mode_cls_token").asBoolean(false) && !n.path("pooling_mode_mean_tokens").asBoolean(false)) {
            return Pooling.CLS;
        }
        return Pooling.MEAN;
    }

    /** The licence in the model card's front matter, or {@code unknown}. */
    static String license(Path dir) {
        Path readme = dir.resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            return "unknown";
        }
        try {
            return ModelCard.read(readme).license().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int intField(Path file, String field, int fallback) {
        JsonNode n = read(file);
        int v = n == null ? fallback : n.path(field).asInt(fallback);
        return v > 0 && v < 1_000_000 ? v : fallback;
    }

    /**
     * A JSON object file of the model directory, or null when absent; one that is too large or not a JSON object is
     * refused rather than ignored, since its settings would silently be replaced by defaults.
     */
    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return ModelFileLimits.readJson(file, JSON);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
