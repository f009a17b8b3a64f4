package dev.graft.model.text;

import dev.graft.model.ModelFileLimits;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer that truncates to the model's maximum length
 * and never pads: padding is done per batch ({@link TokenBatch#pad}).
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long padId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    /**
     * Opens {@code tokenizer.json}, after checking its size and that it is a JSON object ({@link TokenizerSettings#read}).
     *
     * @param maxLength the model's maximum sequence length in tokens, special tokens included
     */
    public static TextTokenizer open(Path tokenizerJson, int maxLength) throws IOException {
        TokenizerSettings settings = TokenizerSettings.read(tokenizerJson);
        HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optPadding(false)
                .optTruncation(true)
                .optMaxLength(maxLength)
                .optAddSpecialTokens(true)
                .build();
        return new TextTokenizer(tok, maxLength, settings.padId());
    }

    /** Tokenises texts (truncated, not padded), in order. */
    public List<TokenizedText> tokenize(List<String> texts) {
        return tokenized(tokenizer.batchEncode(texts));
    }

    /**
     * Tokenises text pairs as one sequence each, {@code [CLS] a [SEP] b [SEP]} with token type ids 0 for the first text
     * and 1 for the second (the tokenizer's template), truncated to the maximum length (longest text first), not
     * padded, in order.
     *
     * @throws IllegalArgumentException when the lists differ in size
     */
    public List<TokenizedText> tokenize(List<String> first, List<String> second) {
        if (first.size() != second.size()) {
            throw new IllegalArgumentException("text pairs need as many second texts as first texts, got " + first.size()
                    + " and " + second.size());
        }
        return tokenized(tokenizer.batchEncode(new PairList<>(first, second)));
    }

    private static List<TokenizedText> tokenized(Encoding[] encodings) {
        List<TokenizedText> out = new ArrayList<>(encodings.length);
        for (Encoding e : encodings) {
            out.add(new TokenizedText(e.getIds(), e.getTypeIds()));
        }
        return out;
    }

    /** The maximum number of tokens per text, special tokens included. */
    public int maxLength() {
        return maxLength;
    }

    /** The id used for padding. */
    public long padId() {
        return padId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /**
     * What a {@code tokenizer.json} says about truncation and padding.
     *
     * @param maxLength truncation length it declares, or 0 when it declares none
     * @param padId     the padding token id (0 when absent)
     */
    public record TokenizerSettings(int maxLength, long padId) {

        /**
         * Reads the settings; a file larger than {@link ModelFileLimits#TOKENIZER_BYTES}, not JSON or not an object
         * gets a message naming it.
         */
        public static TokenizerSettings read(Path tokenizerJson) {
            try {
                JsonNode root = ModelFileLimits.readJson(tokenizerJson);
                int max = root.path("truncation").path("max_length").asInt(0);
                long pad = root.path("padding").path("pad_id").asLong(0);
                return new TokenizerSettings(max, pad);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read tokenizer settings from " + tokenizerJson
                        + ": " + e.getMessage() + ". Is it a Hugging Face tokenizer.json?", e);
            }
        }
    }
}
