package dev.graft.artifact.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.model.ModelFileLimits;
import dev.graft.model.text.SentenceEncoders;
import dev.graft.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokenizer files of a Hugging Face model directory: {@code tokenizer.json} as trained with, and
 * {@code tokenizer_config.json} / {@code special_tokens_map.json} naming its special tokens (from the tokenizer's
 * {@code added_tokens}) and the maximum length Graft used, so {@code AutoTokenizer.from_pretrained} tokenizes as Graft did.
 */
final class HfTokenizerFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Special token contents by the role transformers gives them. */
    private static final Map<String, String> ROLES = Map.of("[CLS]", "cls_token", "<s>", "cls_token", "[SEP]", "sep_token",
            "</s>", "sep_token", "[PAD]", "pad_token", "<pad>", "pad_token", "[UNK]", "unk_token", "<unk>", "unk_token",
            "[MASK]", "mask_token", "<mask>", "mask_token");

    private HfTokenizerFiles() {
    }

    /**
     * Copies {@code tokenizerJson} into {@code dir} and writes the two configuration files.
     *
     * @return the special tokens by role ({@code pad_token} → {@code [PAD]}), and their ids under {@code <role>_id}
     */
    static Map<String, Object> write(Path tokenizerJson, int maxLength, Path dir) throws IOException {
        SentenceEncoders.copy(tokenizerJson, dir.resolve("tokenizer.json"));
        JsonNode root = ModelFileLimits.readJson(tokenizerJson, JSON);
        Map<String, Object> special = new LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            String role = ROLES.get(t.path("content").asText());
            if (t.path("special").asBoolean(false) && role != null && !special.containsKey(role)) {
                special.put(role, t.path("content").asText());
                special.put(role + "_id", t.path("id").asLong());
            }
        }
        ObjectNode map = JSON.createObjectNode();
        special.forEach((k, v) -> {
            if (!k.endsWith("_id")) {
                map.put(k, (String) v);
            }
        });
        ObjectNode config = map.deepCopy();
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("model_max_length", maxLength);
        config.put("clean_up_tokenization_spaces", false);
        AtomicFiles.writeString(dir.resolve("special_tokens_map.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(map));
        AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        return special;
    }
}
