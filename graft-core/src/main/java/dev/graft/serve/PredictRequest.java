package dev.graft.serve;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.artifact.InputFields;
import dev.graft.artifact.InputKind;
import dev.graft.artifact.ModelInput;
import dev.graft.util.JsonProblems;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/predict}: one input as an object ({@code {"text": "..."}}) or many
 * ({@code {"inputs": [{"text": "..."}, ...]}}), with an optional {@code top_k}. Each input's fields are read as a data
 * file's row is ({@link ModelInput#fromFields}).
 *
 * @param inputs the inputs, in order
 * @param topK   how many of the most probable classes to list with each output (0: none)
 */
record PredictRequest(List<ModelInput> inputs, int topK) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A request the client must fix: answered with {@code status} and this message. */
    static final class Invalid extends RuntimeException {
        final int status;

        Invalid(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * Parses and checks a request body.
     *
     * @throws Invalid (400) naming the input and field that is wrong, or when there are more than {@code maxInputs}
     */
    static PredictRequest parse(byte[] body, InputKind kind, int maxInputs, boolean allowLocalFiles) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new Invalid(400, "the request body is not JSON: " + JsonProblems.describe(e));
        } catch (java.io.IOException e) {
            throw new Invalid(400, "the request body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(400, "the request body must be a JSON object: {\"text\": ...} or {\"inputs\": [...]}");
        }
        List<JsonNode> items = new ArrayList<>();
        JsonNode many = root.get("inputs");
        if (many == null) {
            items.add(root);
        } else if (!many.isArray() || many.isEmpty()) {
            throw new Invalid(400, "'inputs' must be a non-empty array of input objects");
        } else if (many.size() > maxInputs) {
            throw new Invalid(400, "'inputs' holds " + many.size() + " inputs; this server takes at most " + maxInputs
                    + " per request. Split the request.");
        } else {
            many.forEach(items::add);
        }
        JsonNode k = root.path("top_k");
        if (!k.isMissingNode() && (!k.canConvertToExactIntegral() || k.asInt() < 0)) {
            throw new Invalid(400, "'top_k' must be a whole number, 0 or more");
        }
        List<ModelInput> inputs = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String where = many == null ? "the input" : "inputs[" + i + "]";
            inputs.add(input(items.get(i), where, kind, allowLocalFiles));
        }
        return new PredictRequest(inputs, k.asInt(0));
    }

    private static ModelInput input(JsonNode item, String where, InputKind kind, boolean allowLocalFiles) {
        if (!item.isObject()) {
            throw new Invalid(400, where + " must be an object such as {\"text\": \"...\"}");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isTextual()) {
                fields.put(f.getKey(), f.getValue().textValue());
            } else if (!"top_k".equals(f.getKey()) && !"inputs".equals(f.getKey())) {
                throw new Invalid(400, where + "." + f.getKey() + " must be a string");
            }
        }
        ModelInput in;
        try {
            in = ModelInput.fromFields(kind, fields, InputFields.DEFAULT, allowLocalFiles);
        } catch (IllegalArgumentException e) {
            throw new Invalid(400, where + ": " + e.getMessage());
        }
        if (in instanceof ModelInput.ImageFile f && !Files.isRegularFile(f.file())) {
            throw new Invalid(400, where + ": image file " + f.file() + " does not exist on the server");
        }
        return in;
    }
}
