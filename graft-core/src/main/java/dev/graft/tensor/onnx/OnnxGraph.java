package dev.graft.tensor.onnx;

import dev.graft.tensor.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The graph of an ONNX model, read by a small self-contained protobuf decoder (no protobuf
 * dependency). It exposes graph inputs/outputs, nodes with their attributes, and initializers.
 *
 * <p>The reader is meant for untrusted files: every declared length is checked against the bytes
 * that remain, varints longer than 64 bits, negative or overflowing dimensions and payloads whose size
 * does not match the dimensions are rejected with an {@link IOException} naming the file and field.
 * Unknown fields are skipped by wire type.
 *
 * <p>A file with any tensor stored as external data ({@code data_location: EXTERNAL} or {@code external_data}
 * entries, in an initializer, an attribute, a subgraph or a function) is refused with an {@link IOException} naming
 * the file, the tensor and the location it points to: ONNX Runtime would open that location (any path, outside the
 * model's folder included), so the model would depend on bytes its checksum does not cover. Every reader of model
 * files goes through this parser, so this is the one place that check lives; {@link OnnxModelFile} hands ONNX
 * Runtime the very bytes that were checked.
 */
public final class OnnxGraph {

    /** Largest file accepted (a Java array bound). */
    public static final int MAX_FILE_BYTES = Integer.MAX_VALUE - 16;

    private final String source;
    private final List<String> inputs;
    private final List<String> outputs;
    private final List<OnnxNode> nodes;
    private final Map<String, OnnxTensor> initializers;
    private final Map<String, OnnxNode> nodesByName = new LinkedHashMap<>();
    private final Map<String, OnnxNode> producers = new LinkedHashMap<>();

    OnnxGraph(String source, List<String> inputs, List<String> outputs, List<OnnxNode> nodes,
              Map<String, OnnxTensor> initializers) {
        this.source = source;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.nodes = List.copyOf(nodes);
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        for (OnnxNode n : nodes) {
            if (!n.name().isEmpty()) {
                nodesByName.putIfAbsent(n.name(), n);
            }
            for (String o : n.outputs()) {
                producers.putIfAbsent(o, n);
            }
        }
    }

    /** Reads an ONNX model file. */
    public static OnnxGraph read(Path file) throws IOException {
        return parse(readBytes(file), file.toString());
    }

    /** The bytes of an ONNX file, refusing one larger than {@link #MAX_FILE_BYTES} before reading it. */
    static byte[] readBytes(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException("ONNX file '" + file + "' is " + size + " bytes, more than the supported " + MAX_FILE_BYTES);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES);
            if (in.read() != -1) {
                throw new IOException("ONNX file '" + file + "' grew past the supported " + MAX_FILE_BYTES + " bytes while being read");
            }
            return bytes;
        }
    }

    /** Reads an ONNX model from a stream (which is not closed). */
    public static OnnxGraph read(InputStream in) throws IOException {
        return read(in, "<stream>");
    }

    /** Reads an ONNX model from a stream (which is not closed), naming it {@code sourceName} in errors. */
    public static OnnxGraph read(InputStream in, String sourceName) throws IOException {
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES);
        if (in.read() != -1) {
            throw new IOException("ONNX stream '" + sourceName + "' is larger than the supported " + MAX_FILE_BYTES + " bytes");
        }
        return parse(bytes, sourceName);
    }

    /** Decodes an ONNX model held in memory. */
    public static OnnxGraph parse(byte[] bytes, String sourceName) throws IOException {
        return OnnxParser.parse(bytes, sourceName);
    }

    /** Name of the file or stream this graph came from. */
    public String source() {
        return source;
    }

    /** Graph input names, in order (may include initializers for old IR versions). */
    public List<String> inputs() {
        return inputs;
    }

    /** Graph output names, in order. */
    public List<String> outputs() {
        return outputs;
    }

    /** All nodes, in file (topological) order. */
    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** The node called {@code name}. */
    public Optional<OnnxNode> node(String name) {
        return Optional.ofNullable(nodesByName.get(name));
    }

    /** The node that produces value {@code valueName}. */
    public Optional<OnnxNode> producer(String valueName) {
        return Optional.ofNullable(producers.get(valueName));
    }

    /** All initializers as stored (any data type), by name in file order. */
    public Map<String, OnnxTensor> rawInitializers() {
        return initializers;
    }

    /** The stored initializer called {@code name}, of any data type. */
    public Optional<OnnxTensor> rawInitializer(String name) {
        return Optional.ofNullable(initializers.get(name));
    }

    /**
     * The initializer {@code name} decoded as float32.
     *
     * @return empty if there is no such initializer
     * @throws IOException if it exists but is not an inline FLOAT tensor
     */
    public Optional<TensorData> initializer(String name) throws IOException {
        OnnxTensor t = initializers.get(name);
        return t == null ? Optional.empty() : Optional.of(t.toTensorData());
    }

    /** Every inline FLOAT initializer decoded, by name in file order; other types are left out. */
    public Map<String, TensorData> floatInitializers() throws IOException {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (OnnxTensor t : initializers.values()) {
            if (t.isFloat()) {
                out.put(t.name(), t.toTensorData());
            }
        }
        return out;
    }

    /**
     * The constant tensor behind value {@code valueName}: an initializer of that name, or the
     * {@code value} attribute of the {@code Constant} node producing it.
     */
    public Optional<OnnxTensor> constant(String valueName) {
        OnnxTensor t = initializers.get(valueName);
        if (t != null) {
            return Optional.of(t);
        }
        OnnxNode p = producers.get(valueName);
        if (p != null && p.opType().equals("Constant") && p.attribute("value") != null) {
            return Optional.ofNullable(p.attribute("value").t());
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "OnnxGraph[" + source + ": " + nodes.size() + " nodes, " + initializers.size() + " initializers]";
    }
}
