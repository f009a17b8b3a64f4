package dev.graft.model.text;

import dev.graft.model.ModelFileLimits;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The special tokens of a Hugging Face {@code tokenizer.json} ({@code added_tokens} marked
 * {@code special}), as masked-language modelling needs them: which ids must never be masked and
 * which id is the mask token.
 *
 * @param maskId     id of {@code [MASK]} (BERT) or {@code <mask>} (RoBERTa)
 * @param specialIds every special token id ({@code [PAD]}, {@code [CLS]}, {@code [SEP]}, {@code [MASK]}, ...)
 */
public record SpecialTokens(long maskId, Set<Long> specialIds) {

    /** Copies the set and checks that the mask token is special. */
    public SpecialTokens {
        specialIds = Set.copyOf(specialIds);
        if (!specialIds.contains(maskId)) {
            throw new IllegalArgumentException("the mask token id " + maskId + " must be one of the special ids " + specialIds);
        }
    }

    /** Whether {@code id} is a special token. */
    public boolean isSpecial(long id) {
        return specialIds.contains(id);
    }

    /**
     * Reads the special tokens of {@code tokenizerJson}.
     *
     * @throws IllegalArgumentException when the tokenizer has no mask token
     */
    public static SpecialTokens read(Path tokenizerJson) {
        JsonNode root;
        try {
            root = ModelFileLimits.readJson(tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + tokenizerJson + ": " + e.getMessage()
                    + ". Is it a Hugging Face tokenizer.json?", e);
        }
        Set<Long> special = new TreeSet<>();
        long mask = -1;
        for (JsonNode t : root.path("added_tokens")) {
            if (t.path("special").asBoolean(false)) {
                long id = t.path("id").asLong();
                special.add(id);
                String content = t.path("content").asText();
                if (content.equals("[MASK]") || content.equals("<mask>")) {
                    mask = id;
                }
            }
        }
        if (mask < 0) {
            throw new IllegalArgumentException(tokenizerJson + " declares no special mask token ([MASK] or <mask>) in"
                    + " added_tokens, so masked-language-model training cannot mask tokens. Use a BERT-style model's tokenizer.");
        }
        return new SpecialTokens(mask, special);
    }
}
