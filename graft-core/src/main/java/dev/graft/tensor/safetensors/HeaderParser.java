package dev.graft.tensor.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Parses and validates a safetensors JSON header as strictly as the reference implementation. */
final class HeaderParser {

    /** The key under which the header holds free-form string metadata. */
    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * A validated header.
     *
     * @param tensors  entries by name, in data-offset order
     * @param metadata the {@code __metadata__} map, sorted by key (empty when absent)
     */
    record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    }

    private HeaderParser() {
    }

    /**
     * @param file         names the file in messages
     * @param headerBytes  the {@code N} header bytes
     * @param bufferLength the number of bytes after the header; tensors must cover exactly this range
     */
    static Header parse(String file, byte[] headerBytes, long bufferLength) throws SafeTensorsException {
        String json = decodeUtf8(file, headerBytes);
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new SafeTensorsException(file + ": the header is not valid JSON (" + dev.graft.util.JsonProblems.describe(e)
                    + "); the file is corrupt or not a safetensors file", e);
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsException(file + ": the header must be a JSON object but is "
                    + (root == null || root.isMissingNode() ? "empty" : root.getNodeType().toString().toLowerCase())
                    + "; the file is corrupt or not a safetensors file");
        }
        Map<String, String> metadata = Map.of();
        List<TensorInfo> infos = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, field.getValue());
            } else {
                infos.add(parseTensor(file, field.getKey(), field.getValue()));
            }
        }
        checkLayout(file, infos, bufferLength);
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo info : infos) {
            byName.put(info.name(), info);
        }
        return new Header(Collections.unmodifiableMap(byName), metadata);
    }

    private static String decodeUtf8(String file, byte[] bytes) throws SafeTensorsException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException(file + ": the header is not valid UTF-8; the file is corrupt or not a "
                    + "safetensors file", e);
        }
    }

    private static Map<String, String> parseMetadata(String file, JsonNode node) throws SafeTensorsException {
        if (node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new SafeTensorsException(file + ": \"" + METADATA_KEY + "\" must be an object of strings but is "
                    + describe(node));
        }
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafeTensorsException(file + ": metadata value \"" + e.getKey() + "\" must be a string but is "
                        + describe(e.getValue()) + "; safetensors metadata maps strings to strings");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo parseTensor(String file, String name, JsonNode node) throws SafeTensorsException {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafeTensorsException(where + " must be described by an object with dtype, shape and "
                    + "data_offsets but is " + describe(node));
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafeTensorsException(where + " has no string \"dtype\" (got " + describe(dtypeNode) + ")");
        }
        Dtype dtype = Dtype.fromHeaderName(dtypeNode.textValue()).orElseThrow(() -> new SafeTensorsException(
                where + " has unknown dtype \"" + abbreviate(dtypeNode.textValue()) + "\"; known dtypes are "
                        + java.util.Arrays.toString(Dtype.values())));
        long[] shape = longArray(where, "shape", node.get("shape"), -1);
        long[] offsets = longArray(where, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new SafeTensorsException(where + " has data_offsets [" + begin + ", " + end
                    + "] with end before begin; the header is corrupt");
        }
        long expected;
        try {
            long elements = 1;
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            long bits = Math.multiplyExact(elements, (long) dtype.bits());
            if (bits % 8 != 0) {
                throw new SafeTensorsException(where + " has " + elements + " elements of " + dtype.bits()
                        + "-bit " + dtype + ", which is not a whole number of bytes");
            }
            expected = bits / 8;
        } catch (ArithmeticException e) {
            throw new SafeTensorsException(where + " has shape " + java.util.Arrays.toString(shape)
                    + " whose byte size overflows 64 bits; the header is corrupt");
        }
        if (expected != end - begin) {
            throw new SafeTensorsException(where + " has dtype " + dtype + " and shape "
                    + java.util.Arrays.toString(shape) + ", i.e. " + expected + " bytes, but data_offsets ["
                    + begin + ", " + end + "] span " + (end - begin) + " bytes; the header is corrupt");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] longArray(String where, String field, JsonNode node, int requiredLength)
            throws SafeTensorsException {
        String need = requiredLength < 0 ? "an array of non-negative integers"
                : "an array of " + requiredLength + " non-negative integers";
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw new SafeTensorsException(where + " needs \"" + field + "\" to be " + need + " but got "
                    + describe(node));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafeTensorsException(where + " needs \"" + field + "\" to be " + need + " but element "
                        + i + " is " + describe(v));
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /** Tensors must tile the byte buffer exactly: sorted by offset, no gaps, no overlaps, ending at its end. */
    private static void checkLayout(String file, List<TensorInfo> infos, long bufferLength)
            throws SafeTensorsException {
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expectedBegin = 0;
        String previous = null;
        for (TensorInfo info : infos) {
            if (info.begin() != expectedBegin) {
                String kind = info.begin() < expectedBegin ? "overlaps" : "leaves a gap after";
                throw new SafeTensorsException(file + ": tensor '" + info.name() + "' starts at byte " + info.begin()
                        + " but " + (previous == null ? "the first tensor must start at 0"
                        : "the previous tensor '" + previous + "' ends at " + expectedBegin + ", so it " + kind
                        + " it") + "; the header is corrupt");
            }
            if (info.end() > bufferLength) {
                throw new SafeTensorsException(file + ": tensor '" + info.name() + "' has data_offsets ["
                        + info.begin() + ", " + info.end() + "] beyond the " + bufferLength
                        + "-byte data buffer; the file is truncated or corrupt");
            }
            expectedBegin = info.end();
            previous = info.name();
        }
        if (expectedBegin != bufferLength) {
            throw new SafeTensorsException(file + ": the tensors cover " + expectedBegin + " bytes but the data "
                    + "buffer after the header holds " + bufferLength + " bytes; the file is corrupt or has "
                    + "trailing data");
        }
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return abbreviate(node.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
