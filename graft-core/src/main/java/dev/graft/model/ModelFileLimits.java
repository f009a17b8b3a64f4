package dev.graft.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * How large each small file of a model folder may be, and the bounded reading of those files: the size is checked
 * before a byte is read (a 200 MB {@code config.json} is refused, not parsed), and a JSON file must parse as what it
 * holds (an object; {@code modules.json} an array). Weights files have no limit here: their own readers bound what they
 * decode. Used for files read from a model directory and for files downloaded from the Hub.
 */
public final class ModelFileLimits {

    /** Configuration files: {@code config.json}, {@code backbone.json}, {@code tokenizer_config.json}, manifests, ... */
    public static final long CONFIG_BYTES = 4L << 20;
    /** {@code tokenizer.json} (multilingual tokenizers reach about 20 MB). */
    public static final long TOKENIZER_BYTES = 64L << 20;
    /** Vocabularies and merges ({@code vocab.txt}, {@code vocab.json}, {@code merges.txt}, sentencepiece models). */
    public static final long VOCABULARY_BYTES = 64L << 20;
    /** The model card. */
    public static final long README_BYTES = 16L << 20;

    private static final Set<String> VOCABULARIES = Set.of("vocab.txt", "vocab.json", "merges.txt",
            "sentencepiece.bpe.model", "spiece.model");
    private static final Set<String> JSON_ARRAYS = Set.of("modules.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFileLimits() {
    }

    /**
     * The most bytes a model folder's file called {@code filename} (a path such as {@code 1_Pooling/config.json} is
     * judged by its last part) may have, or -1 for weights and other files without a limit here.
     */
    public static long maxBytes(String filename) {
        String name = filename.substring(filename.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (name.equals("tokenizer.json")) {
            return TOKENIZER_BYTES;
        }
        if (VOCABULARIES.contains(name)) {
            return VOCABULARY_BYTES;
        }
        if (name.equals("readme.md")) {
            return README_BYTES;
        }
        return name.endsWith(".json") ? CONFIG_BYTES : -1;
    }

    /** Whether {@code filename} is a JSON file whose content must be validated. */
    public static boolean isJson(String filename) {
        return filename.toLowerCase(Locale.ROOT).endsWith(".json");
    }

    /**
     * Refuses {@code file} when it is larger than {@link #maxBytes} allows for its name.
     *
     * @throws IOException naming the file, its size and the limit
     */
    public static void checkSize(Path file) throws IOException {
        long limit = maxBytes(file.getFileName().toString());
        long size = Files.size(file);
        if (limit >= 0 && size > limit) {
            throw tooLarge(file.toString(), file.getFileName().toString(), size, limit);
        }
    }

    /** The message for the file {@code filename} (named {@code source}) of {@code size} bytes over its {@code limit}. */
    public static IOException tooLarge(String source, String filename, long size, long limit) {
        return new IOException(source + " is " + size + " bytes, more than the " + limit + " bytes a model's "
                + filename.substring(filename.lastIndexOf('/') + 1) + " may have; it is corrupt or not a model file");
    }

    /**
     * Reads a JSON file of a model folder with {@code mapper}: the size is checked first (see {@link #maxBytes}), and
     * the content must parse as a JSON object ({@code modules.json}: an array).
     *
     * @throws IOException naming the file when it is too large, not JSON, or not an object
     */
    public static JsonNode readJson(Path file, ObjectMapper mapper) throws IOException {
        long declared = maxBytes(file.getFileName().toString());
        long limit = declared < 0 ? CONFIG_BYTES : declared;
        long size = Files.size(file);
        if (size > limit) {
            throw tooLarge(file.toString(), file.getFileName().toString(), size, limit);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) limit + 1);
        }
        if (bytes.length > limit) { // it grew after its size was checked
            throw tooLarge(file.toString(), file.getFileName().toString(), Files.size(file), limit);
        }
        return parseJson(bytes, file.getFileName().toString(), file.toString(), mapper);
    }

    /** {@link #readJson(Path, ObjectMapper)} with a plain mapper. */
    public static JsonNode readJson(Path file) throws IOException {
        return readJson(file, JSON);
    }

    /**
     * Parses the content of the model file {@code filename} (named {@code source} in messages): a JSON object, or an
     * array for {@code modules.json}.
     *
     * @throws IOException naming {@code source} when it is not JSON or not of the expected kind
     */
    public static JsonNode parseJson(byte[] bytes, String filename, String source, ObjectMapper mapper) throws IOException {
        JsonNode json;
        try {
            json = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw new IOException(source + " is not valid JSON: " + dev.graft.util.JsonProblems.describe(e), e);
        }
        boolean array = JSON_ARRAYS.contains(filename.substring(filename.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT));
        if (json == null || (array ? !json.isArray() : !json.isObject())) {
            throw new IOException(source + " should hold a JSON " + (array ? "array" : "object") + " but holds "
                    + (json == null ? "nothing" : json.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return json;
    }
}
