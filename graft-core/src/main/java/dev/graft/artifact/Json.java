package dev.graft.artifact;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one JSON configuration for Graft's files: snake_case keys, pretty-printed, strict on read. */
public final class Json {

    /** Shared, thread-safe mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    /**
     * Reads a model-definition file (a manifest) as {@code type}: its size is checked before it is read and it must be a
     * JSON object (see {@link dev.graft.model.ModelFileLimits}).
     */
    static <T> T read(java.nio.file.Path file, Class<T> type) throws java.io.IOException {
        com.fasterxml.jackson.databind.JsonNode json = dev.graft.model.ModelFileLimits.readJson(file, MAPPER);
        try {
            return MAPPER.treeToValue(json, type);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new java.io.IOException(file + " does not describe a " + type.getSimpleName() + ": "
                    + dev.graft.util.JsonProblems.describe(e).replaceAll(" \\(line -?\\d+.*\\)$", ""), e);
        }
    }
}
