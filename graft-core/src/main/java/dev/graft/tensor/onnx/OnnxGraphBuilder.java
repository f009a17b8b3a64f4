package dev.graft.tensor.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds an ONNX model: graph inputs and outputs, initializers, nodes of the default domain, metadata; written as
 * a {@code ModelProto} by {@link #toModel()}, or appended to an existing model's graph by {@link #extend(byte[])}.
 *
 * <p>The wire format is written with protobuf-java's {@link CodedOutputStream} (field numbers from ONNX's
 * {@code onnx.proto}); a base model is edited as an {@link UnknownFieldSet}, so every field of it that this class does
 * not touch (node domains, value infos, functions) is kept byte for byte. No generated classes: the few messages
 * written here do not justify a copy of {@code onnx.proto} and a code generator in the build.
 *
 * <p>Every node's name is its first output's name; {@link #fresh} hands out unused value names.
 */
public final class OnnxGraphBuilder {

    /** ONNX IR version written (ONNX 1.12+, opset 17). */
    public static final long IR_VERSION = 8;

    private final String graphName;
    private final int opset;
    private final List<ByteString> nodes = new ArrayList<>();
    private final List<ByteString> initializers = new ArrayList<>();
    private final List<ByteString> inputs = new ArrayList<>();
    private final List<ByteString> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private int counter;

    /**
     * An empty graph.
     *
     * @param graphName the graph's name
     * @param opset     the default domain's opset version the nodes are written for
     */
    public OnnxGraphBuilder(String graphName, int opset) {
        this.graphName = graphName;
        this.opset = opset;
    }

    /** The opset the nodes are written for. */
    public int opset() {
        return opset;
    }

    /** A value name not used yet in this builder, starting with {@code prefix}. */
    public String fresh(String prefix) {
        String name = prefix;
        while (!names.add(name)) {
            name = prefix + "_" + (++counter);
        }
        return name;
    }

    /**
     * Declares a graph input of element type {@code elemType} ({@link OnnxDataType}); each dimension is a
     * {@link Number} (fixed) or a {@link String} (symbolic, e.g. {@code "batch"}).
     */
    public String input(String name, int elemType, Object... dims) {
        names.add(name);
        inputs.add(valueInfo(name, elemType, dims));
        return name;
    }

    /** Declares a graph output; dimensions as in {@link #input}. */
    public void output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
    }

    /** Adds a float32 initializer {@code [dims]} and returns its name. */
    public String initializer(String name, long[] dims, float[] values) {
        check(dims, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return initializer(name, OnnxDataType.FLOAT, dims, b.array());
    }

    /** Adds an int64 initializer {@code [dims]} and returns its name. */
    public String initializer(String name, long[] dims, long[] values) {
        check(dims, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return initializer(name, OnnxDataType.INT64, dims, b.array());
    }

    /** A float32 scalar initializer (shape {@code []}). */
    public String scalar(String name, float value) {
        return initializer(name, new long[0], new float[] {value});
    }

    /** An int64 1-D initializer. */
    public String ints(String name, long... values) {
        return initializer(name, new long[] {values.length}, values);
    }

    /**
     * Adds an initializer of any fixed-size element type from its little-endian bytes ({@code raw_data}) and returns
     * its name (made unique when taken).
     */
    public String initializer(String name, int dataType, long[] dims, byte[] raw) {
        String unique = fresh(name);
        initializers.add(tensor(unique, dataType, dims, raw));
        return unique;
    }

    /**
     * Adds a node of the default domain with one output, named after {@code output} (made unique), and returns the
     * output's name.
     */
    public String node(String opType, List<String> in, String output, OnnxAttr... attributes) {
        String out = fresh(output);
        nodes.add(node(opType, out, in, List.of(out), attributes));
        return out;
    }

    /** Adds a node with several outputs (each made unique) and returns their names in order. */
    public List<String> node(String opType, List<String> in, List<String> out, OnnxAttr... attributes) {
        List<String> unique = out.stream().map(this::fresh).toList();
        nodes.add(node(opType, unique.get(0), in, unique, attributes));
        return unique;
    }

    /** Records a {@code metadata_props} entry (replacing an earlier one of that key). */
    public void metadata(String key, String value) {
        metadata.put(key, value);
    }

    /** The whole model: {@code ir_version}, the default domain at {@link #opset()}, the graph and the metadata. */
    public byte[] toModel() {
        try {
            ByteString.Output bytes = ByteString.newOutput();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt64(1, IR_VERSION);
            out.writeString(2, "graft");
            out.writeBytes(7, graph(UnknownFieldSet.newBuilder().addField(2, lengthDelimited(utf8(graphName)))).toByteString());
            out.writeBytes(8, opsetId("", opset));
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                out.writeBytes(14, entry(e.getKey(), e.getValue()));
            }
            out.flush();
            return bytes.toByteString().toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code base} (a {@code ModelProto}) with this builder's nodes, initializers and metadata appended to its graph
     * and its graph outputs replaced by this builder's. The base's inputs, nodes and opsets are kept as they are; the
     * nodes added must be valid in the base's default-domain opset (see {@link OnnxModelInfo#opset}).
     *
     * @throws IllegalArgumentException when {@code base} has no graph
     */
    public byte[] extend(byte[] base) {
        try {
            UnknownFieldSet model = UnknownFieldSet.parseFrom(base);
            UnknownFieldSet.Field graphField = model.getField(7);
            if (graphField.getLengthDelimitedList().size() != 1) {
                throw new IllegalArgumentException("the base ONNX model has no graph");
            }
            UnknownFieldSet.Builder graph = UnknownFieldSet.newBuilder(UnknownFieldSet.parseFrom(graphField.getLengthDelimitedList().get(0)));
            graph.clearField(12);
            UnknownFieldSet.Builder m = UnknownFieldSet.newBuilder(model);
            m.addField(7, lengthDelimited(graph(graph).toByteString()));
            UnknownFieldSet.Field.Builder props = UnknownFieldSet.Field.newBuilder();
            for (ByteString p : model.getField(14).getLengthDelimitedList()) {
                String key = UnknownFieldSet.parseFrom(p).getField(1).getLengthDelimitedList().stream().findFirst()
                        .map(ByteString::toStringUtf8).orElse("");
                if (!metadata.containsKey(key)) {
                    props.addLengthDelimited(p);
                }
            }
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                props.addLengthDelimited(entry(e.getKey(), e.getValue()));
            }
            m.addField(14, props.build());
            return m.build().toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("the base ONNX model cannot be decoded: " + e.getMessage(), e);
        }
    }

    private UnknownFieldSet graph(UnknownFieldSet.Builder graph) {
        graph.mergeField(1, lengthDelimited(nodes));
        graph.mergeField(5, lengthDelimited(initializers));
        if (!inputs.isEmpty()) {
            graph.mergeField(11, lengthDelimited(inputs));
        }
        graph.mergeField(12, lengthDelimited(outputs));
        return graph.build();
    }

    private static UnknownFieldSet.Field lengthDelimited(List<ByteString> values) {
        UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
        values.forEach(f::addLengthDelimited);
        return f.build();
    }

    private static UnknownFieldSet.Field lengthDelimited(ByteString value) {
        return UnknownFieldSet.Field.newBuilder().addLengthDelimited(value).build();
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static void check(long[] dims, int length) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException("initializer of shape " + Arrays.toString(dims) + " needs " + n + " values, got " + length);
        }
    }

    /** An encoded {@code TensorProto} with {@code raw_data}. */
    static ByteString tensor(String name, int dataType, long[] dims, byte[] raw) {
        return message(out -> {
            for (long d : dims) {
                out.writeInt64(1, d);
            }
            out.writeInt32(2, dataType);
            out.writeString(8, name);
            out.writeBytes(9, ByteString.copyFrom(raw));
        });
    }

    /** An encoded {@code NodeProto} of the default domain. */
    static ByteString node(String opType, String name, List<String> in, List<String> out, OnnxAttr... attributes) {
        return message(o -> {
            for (String s : in) {
                o.writeString(1, s);
            }
            for (String s : out) {
                o.writeString(2, s);
            }
            o.writeString(3, name);
            o.writeString(4, opType);
            for (OnnxAttr a : attributes) {
                o.writeBytes(5, a.encode());
            }
        });
    }

    private static ByteString valueInfo(String name, int elemType, Object... dims) {
        ByteString shape = message(o -> {
            for (Object d : dims) {
                o.writeBytes(1, message(dim -> {
                    if (d instanceof Number n) {
                        dim.writeInt64(1, n.longValue());
                    } else {
                        dim.writeString(2, String.valueOf(d));
                    }
                }));
            }
        });
        ByteString tensorType = message(o -> {
            o.writeInt32(1, elemType);
            o.writeBytes(2, shape);
        });
        ByteString type = message(o -> o.writeBytes(1, tensorType));
        return message(o -> {
            o.writeString(1, name);
            o.writeBytes(2, type);
        });
    }

    static ByteString opsetId(String domain, long version) {
        return message(o -> {
            o.writeString(1, domain);
            o.writeInt64(2, version);
        });
    }

    private static ByteString entry(String key, String value) {
        return message(o -> {
            o.writeString(1, key);
            o.writeString(2, value);
        });
    }

    /** Writes one message with {@code body} and returns its bytes. */
    static ByteString message(Body body) {
        try {
            ByteString.Output bytes = ByteString.newOutput();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the fields of one message. */
    @FunctionalInterface
    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }
}
