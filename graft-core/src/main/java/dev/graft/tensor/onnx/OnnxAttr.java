package dev.graft.tensor.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A node attribute to write ({@code AttributeProto}): an int, a float, a string or a list of ints. Build one with the
 * factories; {@link OnnxGraphBuilder#node} takes them.
 */
public final class OnnxAttr {

    private final String name;
    private final int type;
    private final long i;
    private final float f;
    private final String s;
    private final long[] ints;

    private OnnxAttr(String name, int type, long i, float f, String s, long[] ints) {
        this.name = name;
        this.type = type;
        this.i = i;
        this.f = f;
        this.s = s;
        this.ints = ints;
    }

    /** An INT attribute. */
    public static OnnxAttr of(String name, long value) {
        return new OnnxAttr(name, OnnxAttribute.INT, value, 0f, null, null);
    }

    /** A FLOAT attribute. */
    public static OnnxAttr of(String name, float value) {
        return new OnnxAttr(name, OnnxAttribute.FLOAT, 0, value, null, null);
    }

    /** A STRING attribute. */
    public static OnnxAttr of(String name, String value) {
        return new OnnxAttr(name, OnnxAttribute.STRING, 0, 0f, value, null);
    }

    /** An INTS attribute. */
    public static OnnxAttr ints(String name, long... values) {
        return new OnnxAttr(name, OnnxAttribute.INTS, 0, 0f, null, values.clone());
    }

    /** The attribute's name. */
    public String name() {
        return name;
    }

    /** The encoded {@code AttributeProto}. */
    ByteString encode() throws IOException {
        ByteString.Output bytes = ByteString.newOutput();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, name);
        switch (type) {
            case OnnxAttribute.INT -> out.writeInt64(3, i);
            case OnnxAttribute.FLOAT -> out.writeFloat(2, f);
            case OnnxAttribute.STRING -> out.writeBytes(4, ByteString.copyFrom(s, StandardCharsets.UTF_8));
            case OnnxAttribute.INTS -> {
                for (long v : ints) {
                    out.writeInt64(8, v);
                }
            }
            default -> throw new IllegalStateException("attribute type " + type);
        }
        out.writeEnum(20, type);
        out.flush();
        return bytes.toByteString();
    }
}
