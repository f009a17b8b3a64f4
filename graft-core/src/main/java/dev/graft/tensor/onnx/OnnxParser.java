package dev.graft.tensor.onnx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the parts of an ONNX {@code ModelProto} that {@link OnnxGraph} exposes and skips everything else, except
 * that every {@code TensorProto} ONNX Runtime could load is visited (initializers, sparse initializers, attribute
 * tensors, nested subgraphs, model-local functions, training graphs) so that a tensor whose data lives in an external
 * file is refused wherever it hides: such a file makes a model depend on bytes outside it (any path, {@code ../..}
 * included) that its checksum does not cover.
 */
final class OnnxParser {

    /** {@code TensorProto.DataLocation.EXTERNAL}. */
    private static final int EXTERNAL = 1;
    /** Deepest nesting of subgraphs accepted (If/Loop bodies); a hostile file cannot exhaust the stack. */
    private static final int MAX_GRAPH_DEPTH = 32;

    private final String source;
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private final List<OnnxNode> nodes = new ArrayList<>();
    private final Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
    private boolean sawGraph;
    private int graphDepth;

    private OnnxParser(String source) {
        this.source = source;
    }

    static OnnxGraph parse(byte[] bytes, String source) throws IOException {
        OnnxParser p = new OnnxParser(source);
        ProtoReader model = new ProtoReader(bytes, 0, bytes.length, source, "ModelProto");
        while (model.hasRemaining()) {
            int tag = model.readTag();
            if (tag == (7 << 3 | ProtoReader.LEN)) {
                p.readGraph(model.readMessage("graph", "graph"));
                p.sawGraph = true;
            } else if (tag == (20 << 3 | ProtoReader.LEN)) {
                p.scanTrainingInfo(model.readMessage("training_info", "training_info"));
            } else if (tag == (25 << 3 | ProtoReader.LEN)) {
                p.scanFunction(model.readMessage("functions", "functions"));
            } else {
                model.skip(tag);
            }
        }
        if (!p.sawGraph) {
            throw new IOException("Malformed ONNX file '" + source + "': ModelProto.graph is missing");
        }
        return new OnnxGraph(source, p.inputs, p.outputs, p.nodes, p.initializers);
    }

    private void readGraph(ProtoReader r) throws IOException {
        while (r.hasRemaining()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> nodes.add(readNode(r.readMessage("node", "node[" + nodes.size() + "]")));
                case 5 << 3 | ProtoReader.LEN -> {
                    OnnxTensor t = readTensor(r.readMessage("initializer", "initializer[" + initializers.size() + "]"));
                    if (initializers.putIfAbsent(t.name(), t) != null) {
                        throw r.error("initializer", "duplicate initializer name '" + t.name() + "'");
                    }
                }
                case 11 << 3 | ProtoReader.LEN -> inputs.add(readValueInfoName(r.readMessage("input", "input")));
                case 12 << 3 | ProtoReader.LEN -> outputs.add(readValueInfoName(r.readMessage("output", "output")));
                case 15 << 3 | ProtoReader.LEN -> scanSparseTensor(r.readMessage("sparse_initializer", "sparse_initializer"));
                default -> r.skip(tag);
            }
        }
    }

    /** Visits the tensors of a nested graph (an If/Loop body, a training graph) only to refuse external data. */
    private void scanGraph(ProtoReader r) throws IOException {
        if (++graphDepth > MAX_GRAPH_DEPTH) {
            throw r.error("graph", "subgraphs nested more than " + MAX_GRAPH_DEPTH + " deep");
        }
        int n = 0;
        while (r.hasRemaining()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> readNode(r.readMessage("node", "node[" + n++ + "]"));
                case 5 << 3 | ProtoReader.LEN -> readTensor(r.readMessage("initializer", "initializer"));
                case 15 << 3 | ProtoReader.LEN -> scanSparseTensor(r.readMessage("sparse_initializer", "sparse_initializer"));
                default -> r.skip(tag);
            }
        }
        graphDepth--;
    }

    /** {@code SparseTensorProto}: its {@code values} and {@code indices} are tensors that may be external. */
    private void scanSparseTensor(ProtoReader r) throws IOException {
        while (r.hasRemaining()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> readTensor(r.readMessage("values", "values"));
                case 2 << 3 | ProtoReader.LEN -> readTensor(r.readMessage("indices", "indices"));
                default -> r.skip(tag);
            }
        }
    }

    /** {@code FunctionProto}: a model-local function whose nodes may hold constant tensors. */
    private void scanFunction(ProtoReader r) throws IOException {
        int n = 0;
        while (r.hasRemaining()) {
            int tag = r.readTag();
            switch (tag) {
                case 7 << 3 | ProtoReader.LEN -> readNode(r.readMessage("node", "node[" + n++ + "]"));
                case 11 << 3 | ProtoReader.LEN -> readAttribute(r.readMessage("attribute_proto", "attribute_proto"));
                default -> r.skip(tag);
            }
        }
    }

    /** {@code TrainingInfoProto}: its initialization and algorithm graphs. */
    private void scanTrainingInfo(ProtoReader r) throws IOException {
        while (r.hasRemaining()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> scanGraph(r.readMessage("initialization", "initialization"));
                case 2 << 3 | ProtoReader.LEN -> scanGraph(r.readMessage("algorithm", "algorithm"));
                default -> r.skip(tag);
            }
        }
    }

    private static String readValueInfoName(ProtoReader r) throws IOException {
        String name = "";
        while (r.hasRemaining()) {
            int tag = r.readTag();
            if (tag == (1 << 3 | ProtoReader.LEN)) {
                name = r.readString("name");
            } else {
                r.skip(tag);
            }
        }
        return name;
    }

    private OnnxNode readNode(ProtoReader r) throws IOException {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        Map<String, OnnxAttribute> attrs = new LinkedHashMap<>();
        while (r.hasRemaining()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> in.add(r.readString("input"));
                case 2 << 3 | ProtoReader.LEN -> out.add(r.readString("output"));
                case 3 << 3 | ProtoReader.LEN -> name = r.readString("name");
                case 4 << 3 | ProtoReader.LEN -> op = r.readString("op_type");
                case 5 << 3 | ProtoReader.LEN -> {
                    OnnxAttribute a = readAttribute(r.readMessage("attribute", "attribute[" + attrs.size() + "]"));
                    attrs.put(a.name(), a);
                }
                default -> r.skip(tag);
            }
        }
        return new OnnxNode(name, op, in, out, attrs);
    }

    private OnnxAttribute readAttribute(ProtoReader r) throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        OnnxTensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<String> strings = new ArrayList<>();
        while (r.hasRemaining()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> name = r.readString("name");
                case 20 << 3 | ProtoReader.VARINT -> type = (int) r.readVarint("type");
                case 2 << 3 | ProtoReader.FIXED32 -> f = r.readFloat("f");
                case 3 << 3 | ProtoReader.VARINT -> i = r.readVarint("i");
                case 4 << 3 | ProtoReader.LEN -> s = r.readString("s");
                case 5 << 3 | ProtoReader.LEN -> t = readTensor(r.readMessage("t", "t"));
                case 7 << 3 | ProtoReader.FIXED32 -> floats.add(r.readFloat("floats"));
                case 7 << 3 | ProtoReader.LEN -> readPackedFloats(r, "floats", floats);
                case 8 << 3 | ProtoReader.VARINT -> ints.add(r.readVarint("ints"));
                case 8 << 3 | ProtoReader.LEN -> readPackedVarints(r, "ints", ints);
                case 9 << 3 | ProtoReader.LEN -> strings.add(r.readString("strings"));
                case 6 << 3 | ProtoReader.LEN -> scanGraph(r.readMessage("g", "g"));
                case 10 << 3 | ProtoReader.LEN -> readTensor(r.readMessage("tensors", "tensors"));
                case 11 << 3 | ProtoReader.LEN -> scanGraph(r.readMessage("graphs", "graphs"));
                case 22 << 3 | ProtoReader.LEN -> scanSparseTensor(r.readMessage("sparse_tensor", "sparse_tensor"));
                case 23 << 3 | ProtoReader.LEN -> scanSparseTensor(r.readMessage("sparse_tensors", "sparse_tensors"));
                default -> r.skip(tag);
            }
        }
        return new OnnxAttribute(name, type, f, i, s, t, floats.toArray(), ints.toArray(), List.copyOf(strings));
    }

    private OnnxTensor readTensor(ProtoReader r) throws IOException {
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        int rawOffset = -1;
        int rawLength = 0;
        FloatList floatData = null;
        LongList int64Data = null;
        LongList int32Data = null;
        List<Double> doubleData = null;
        int dataLocation = 0;
        String externalLocation = null;
        while (r.hasRemaining()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.VARINT -> dims.add(r.readVarint("dims"));
                case 1 << 3 | ProtoReader.LEN -> readPackedVarints(r, "dims", dims);
                case 2 << 3 | ProtoReader.VARINT -> dataType = r.readNonNegativeInt("data_type");
                case 4 << 3 | ProtoReader.FIXED32 -> (floatData = orNew(floatData)).add(r.readFloat("float_data"));
                case 4 << 3 | ProtoReader.LEN -> readPackedFloats(r, "float_data", floatData = orNew(floatData));
                case 5 << 3 | ProtoReader.VARINT -> (int32Data = orNewL(int32Data)).add((int) r.readVarint("int32_data"));
                case 5 << 3 | ProtoReader.LEN -> readPackedVarints(r, "int32_data", int32Data = orNewL(int32Data));
                case 7 << 3 | ProtoReader.VARINT -> (int64Data = orNewL(int64Data)).add(r.readVarint("int64_data"));
                case 7 << 3 | ProtoReader.LEN -> readPackedVarints(r, "int64_data", int64Data = orNewL(int64Data));
                case 8 << 3 | ProtoReader.LEN -> name = r.readString("name");
                case 9 << 3 | ProtoReader.LEN -> {
                    rawLength = r.readLength("raw_data");
                    rawOffset = r.position();
                    r.advance(rawLength, "raw_data");
                }
                case 10 << 3 | ProtoReader.FIXED64 -> {
                    doubleData = doubleData == null ? new ArrayList<>() : doubleData;
                    doubleData.add(Double.longBitsToDouble(r.readFixed64("double_data")));
                }
                case 10 << 3 | ProtoReader.LEN -> {
                    int len = r.readLength("double_data");
                    if (len % 8 != 0) {
                        throw r.error("double_data", "packed length " + len + " is not a multiple of 8");
                    }
                    ProtoReader sub = new ProtoReader(r.buffer(), r.position(), r.position() + len, "", "");
                    doubleData = doubleData == null ? new ArrayList<>() : doubleData;
                    for (int k = 0; k < len / 8; k++) {
                        doubleData.add(Double.longBitsToDouble(sub.readFixed64("double_data")));
                    }
                    r.advance(len, "double_data");
                }
                case 13 << 3 | ProtoReader.LEN -> {
                    String location = readExternalLocation(r.readMessage("external_data", "external_data"));
                    externalLocation = location != null ? location : externalLocation == null ? "" : externalLocation;
                }
                case 14 << 3 | ProtoReader.VARINT -> dataLocation = (int) r.readVarint("data_location");
                default -> r.skip(tag);
            }
        }
        if (dataLocation == EXTERNAL || externalLocation != null) {
            throw externalData(r, name, externalLocation);
        }
        long[] shape = dims.toArray();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw r.error("dims", "tensor '" + name + "' has negative dimension in " + Arrays.toString(shape));
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw r.error("dims", "tensor '" + name + "' dims " + Arrays.toString(shape) + " overflow");
            }
        }
        if (count > Integer.MAX_VALUE) {
            throw r.error("dims", "tensor '" + name + "' has " + count + " elements, more than supported");
        }
        boolean external = false; // refused above
        int elemSize = OnnxDataType.elementSize(dataType);
        if (rawOffset >= 0 && elemSize > 0 && (long) rawLength != count * elemSize) {
            throw r.error("raw_data", "tensor '" + name + "' of type " + OnnxDataType.name(dataType) + " and dims "
                    + Arrays.toString(shape) + " needs " + count * elemSize + " bytes but raw_data has " + rawLength);
        }
        if (rawOffset < 0 && !external) {
            long present = dataType == OnnxDataType.FLOAT ? size(floatData)
                    : dataType == OnnxDataType.INT64 ? size(int64Data)
                    : dataType == OnnxDataType.INT32 ? size(int32Data)
                    : dataType == OnnxDataType.DOUBLE ? (doubleData == null ? 0 : doubleData.size()) : -1;
            if (present >= 0 && present != count) {
                throw r.error("data", "tensor '" + name + "' with dims " + Arrays.toString(shape) + " needs " + count
                        + " values but has " + present);
            }
        }
        return new OnnxTensor(source, name, shape, dataType, count, rawOffset >= 0 ? r.buffer() : null,
                Math.max(rawOffset, 0), rawLength, floatData == null ? null : floatData.toArray(),
                int64Data == null ? null : int64Data.toArray(),
                int32Data == null ? null : Arrays.stream(int32Data.toArray()).mapToInt(v -> (int) v).toArray(),
                doubleData == null ? null : doubleData.stream().mapToDouble(Double::doubleValue).toArray(), external);
    }

    /** The {@code location} value of an {@code external_data} entry, or null for another key. */
    private static String readExternalLocation(ProtoReader r) throws IOException {
        String key = null;
        String value = null;
        while (r.hasRemaining()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> key = r.readString("key");
                case 2 << 3 | ProtoReader.LEN -> value = r.readString("value");
                default -> r.skip(tag);
            }
        }
        return "location".equals(key) ? value : null;
    }

    private IOException externalData(ProtoReader r, String tensor, String location) {
        String what = r.context().startsWith("ModelProto.graph.initializer[")
                ? "initializer '" + tensor + "'" : "tensor '" + tensor + "' (" + r.context() + ")";
        return new IOException("ONNX file '" + source + "': " + what + " keeps its data in an external file"
                + (location == null || location.isEmpty() ? "" : " ('" + location + "')")
                + "; Graft reads only ONNX files that hold all their tensors, so that a model's checksum covers every"
                + " weight it uses. Save the model with its weights inside the file (in Python: onnx.save_model(model,"
                + " path, save_as_external_data=False)).");
    }

    private static long size(FloatList l) {
        return l == null ? 0 : l.size;
    }

    private static long size(LongList l) {
        return l == null ? 0 : l.size;
    }

    private static FloatList orNew(FloatList l) {
        return l == null ? new FloatList() : l;
    }

    private static LongList orNewL(LongList l) {
        return l == null ? new LongList() : l;
    }

    private static void readPackedFloats(ProtoReader r, String field, FloatList into) throws IOException {
        int len = r.readLength(field);
        if (len % 4 != 0) {
            throw r.error(field, "packed length " + len + " is not a multiple of 4");
        }
        byte[] b = r.buffer();
        int p = r.position();
        into.ensure(len / 4);
        for (int k = 0; k < len; k += 4) {
            into.add(Float.intBitsToFloat((b[p + k] & 0xFF) | (b[p + k + 1] & 0xFF) << 8
                    | (b[p + k + 2] & 0xFF) << 16 | (b[p + k + 3] & 0xFF) << 24));
        }
        r.advance(len, field);
    }

    private void readPackedVarints(ProtoReader r, String field, LongList into) throws IOException {
        ProtoReader sub = r.readMessage(field, field);
        while (sub.hasRemaining()) {
            into.add(sub.readVarint(field));
        }
    }

    /** Growable primitive list; capacity grows only with values actually read. */
    private static final class FloatList {
        private float[] a = new float[8];
        private int size;

        void ensure(int extra) {
            if (size + extra > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, size + extra));
            }
        }

        void add(float v) {
            ensure(1);
            a[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }

    /** Growable primitive list; capacity grows only with values actually read. */
    private static final class LongList {
        private long[] a = new long[8];
        private int size;

        void add(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
