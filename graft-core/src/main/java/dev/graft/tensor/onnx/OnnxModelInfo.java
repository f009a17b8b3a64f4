package dev.graft.tensor.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link OnnxGraph} does not read of a {@code ModelProto}: the default domain's opset version and the
 * {@code metadata_props}. Decoded with protobuf-java's {@link UnknownFieldSet} from bytes already checked by
 * {@link OnnxParser}.
 *
 * @param opset    the default ({@code ""} or {@code ai.onnx}) domain's opset version, 0 when the model declares none
 * @param metadata the metadata entries in file order
 */
public record OnnxModelInfo(long opset, Map<String, String> metadata) {

    /**
     * Reads the opset and metadata of a model.
     *
     * @throws IOException when the bytes are not a protobuf message
     */
    public static OnnxModelInfo of(byte[] model) throws IOException {
        UnknownFieldSet m = UnknownFieldSet.parseFrom(model);
        long opset = 0;
        for (ByteString id : m.getField(8).getLengthDelimitedList()) {
            UnknownFieldSet f = UnknownFieldSet.parseFrom(id);
            String domain = f.getField(1).getLengthDelimitedList().stream().findFirst().map(ByteString::toStringUtf8).orElse("");
            if (domain.isEmpty() || domain.equals("ai.onnx")) {
                opset = f.getField(2).getVarintList().stream().findFirst().orElse(0L);
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (ByteString e : m.getField(14).getLengthDelimitedList()) {
            UnknownFieldSet f = UnknownFieldSet.parseFrom(e);
            metadata.put(string(f, 1), string(f, 2));
        }
        return new OnnxModelInfo(opset, java.util.Collections.unmodifiableMap(metadata));
    }

    private static String string(UnknownFieldSet f, int field) {
        return f.getField(field).getLengthDelimitedList().stream().findFirst().map(ByteString::toStringUtf8).orElse("");
    }
}
