package dev.graft.tensor.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.TensorData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OnnxGraph} on small hand-encoded ModelProto byte arrays. */
class OnnxGraphTest {

    // TensorProto builders --------------------------------------------------------------------

    private static ProtoWriter floatRawTensor(String name, long[] dims, float... values) {
        return new ProtoWriter().packedVarints(1, dims).varint(2, OnnxDataType.FLOAT).string(8, name)
                .bytes(9, ProtoWriter.floatsLe(values));
    }

    private static ProtoWriter valueInfo(String name) {
        return new ProtoWriter().string(1, name).bytes(2, new byte[] {0x0A, 0x00}); // type: empty tensor_type
    }

    /** A graph computing Y = MatMul(X, W) + B with a Constant, several attribute kinds and unknown fields. */
    static byte[] wellFormedModel() {
        ProtoWriter constTensor = new ProtoWriter().varint(2, OnnxDataType.INT64).bytes(9, ProtoWriter.longsLe(12));
        ProtoWriter constant = new ProtoWriter().string(2, "c_out").string(3, "/Constant").string(4, "Constant")
                .message(5, new ProtoWriter().string(1, "value").varint(20, 4).message(5, constTensor));
        ProtoWriter matMul = new ProtoWriter().string(1, "X").string(1, "W").string(2, "XW")
                .string(3, "/dense/MatMul").string(4, "MatMul")
                .message(5, new ProtoWriter().string(1, "alpha").varint(20, 1).fixed32(2, 0.5f))
                .message(5, new ProtoWriter().string(1, "axis").varint(20, 2).varint(3, -1))
                .message(5, new ProtoWriter().string(1, "perm").varint(20, 7).packedVarints(8, 0, 2, 1))
                .string(7, "ai.onnx") // domain: ignored
                .varint(99, 12345); // unknown field
        ProtoWriter add = new ProtoWriter().string(1, "XW").string(1, "B").string(2, "Y").string(3, "/dense/Add")
                .string(4, "Add");
        ProtoWriter w = floatRawTensor("W", new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        ProtoWriter b = new ProtoWriter().varint(1, 3).varint(2, OnnxDataType.FLOAT).string(8, "B")
                .packedFloats(4, 0.1f, 0.2f, 0.3f); // float_data, dims unpacked
        ProtoWriter ids = new ProtoWriter().packedVarints(1, 1, 4).varint(2, OnnxDataType.INT64).string(8, "ids")
                .bytes(9, ProtoWriter.longsLe(0, 1, 2, 3));
        ProtoWriter graph = new ProtoWriter().message(1, constant).message(1, matMul).message(1, add)
                .string(2, "g").message(5, w).message(5, b).message(5, ids)
                .message(11, valueInfo("X")).message(12, valueInfo("Y")).string(10, "doc");
        return new ProtoWriter().varint(1, 8).string(2, "test").message(7, graph)
                .message(8, new ProtoWriter().varint(2, 17)) // opset_import
                .toBytes();
    }

    @Test
    void readsWellFormedModel() throws IOException {
        OnnxGraph g = OnnxGraph.parse(wellFormedModel(), "mem.onnx");
        assertEquals(List.of("X"), g.inputs());
        assertEquals(List.of("Y"), g.outputs());
        assertEquals(3, g.nodes().size());

        OnnxNode mm = g.node("/dense/MatMul").orElseThrow();
        assertEquals("MatMul", mm.opType());
        assertEquals(List.of("X", "W"), mm.inputs());
        assertEquals(List.of("XW"), mm.outputs());
        assertEquals(0.5f, mm.attribute("alpha").f());
        assertEquals(-1L, mm.attribute("axis").i());
        assertArrayEquals(new long[] {0, 2, 1}, mm.attribute("perm").ints());
        assertEquals(g.producer("Y").orElseThrow().name(), "/dense/Add");

        TensorData w = g.initializer("W").orElseThrow();
        assertArrayEquals(new long[] {2, 3}, w.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.data());
        TensorData b = g.initializer("B").orElseThrow();
        assertArrayEquals(new long[] {3}, b.shape());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, b.data());

        assertEquals(List.of("W", "B"), List.copyOf(g.floatInitializers().keySet()));
        assertEquals(3, g.rawInitializers().size());
        assertArrayEquals(new long[] {0, 1, 2, 3}, g.rawInitializer("ids").orElseThrow().toLongs());
        assertEquals(12.0, g.constant("c_out").orElseThrow().scalarValue());
        assertTrue(g.initializer("nope").isEmpty());
    }

    @Test
    void readsFromPathAndStream(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.onnx");
        Files.write(f, wellFormedModel());
        assertEquals(3, OnnxGraph.read(f).nodes().size());
        assertEquals(3, OnnxGraph.read(new ByteArrayInputStream(wellFormedModel())).nodes().size());
    }

    @Test
    void nonFloatInitializerFailsOnlyWhenAskedAsFloat() throws IOException {
        OnnxGraph g = OnnxGraph.parse(wellFormedModel(), "mem.onnx");
        IOException e = assertThrows(IOException.class, () -> g.initializer("ids"));
        assertTrue(e.getMessage().contains("mem.onnx") && e.getMessage().contains("'ids'")
                && e.getMessage().contains("INT64"), e.getMessage());
        assertFalse(g.floatInitializers().containsKey("ids"));
    }

    @Test
    void rejectsEveryTruncation() {
        byte[] full = wellFormedModel();
        for (int cut = 1; cut < full.length; cut++) {
            byte[] part = Arrays.copyOf(full, cut);
            int at = cut;
            try {
                OnnxGraph g = OnnxGraph.parse(part, "cut.onnx");
                // A cut can land exactly on a field boundary of the top-level message; then only
                // trailing top-level fields are missing, and the graph must still be intact.
                assertEquals(3, g.nodes().size(), "cut at " + at);
            } catch (IOException e) {
                assertTrue(e.getMessage().contains("cut.onnx"), e.getMessage());
            } catch (RuntimeException e) {
                throw new AssertionError("cut at " + at + " threw " + e, e);
            }
        }
    }

    @Test
    void rejectsHugeDeclaredLength() {
        byte[] model = new ProtoWriter().lengthOnly(7, 1L << 40).toBytes();
        IOException e = assertThrows(IOException.class, () -> OnnxGraph.parse(model, "huge.onnx"));
        assertTrue(e.getMessage().contains("huge.onnx") && e.getMessage().contains("graph")
                && e.getMessage().contains("exceeds"), e.getMessage());

        byte[] rawLie = new ProtoWriter().message(7, new ProtoWriter().message(5,
                new ProtoWriter().varint(2, 1).string(8, "t").lengthOnly(9, Integer.MAX_VALUE))).toBytes();
        IOException e2 = assertThrows(IOException.class, () -> OnnxGraph.parse(rawLie, "lie.onnx"));
        assertTrue(e2.getMessage().contains("raw_data"), e2.getMessage());
    }

    @Test
    void rejectsNegativeAndOverlongVarints() {
        // length -1 encoded as a 10-byte varint
        byte[] negative = new ProtoWriter().lengthOnly(7, -1L).toBytes();
        assertThrows(IOException.class, () -> OnnxGraph.parse(negative, "neg.onnx"));
        byte[] overlong = new ProtoWriter().raw((byte) 0x3A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x01).toBytes();
        IOException e = assertThrows(IOException.class, () -> OnnxGraph.parse(overlong, "long.onnx"));
        assertTrue(e.getMessage().contains("varint"), e.getMessage());
    }

    @Test
    void rejectsOverflowingAndMismatchedDims() {
        byte[] overflow = new ProtoWriter().message(7, new ProtoWriter().message(5,
                floatRawTensor("big", new long[] {1L << 40, 1L << 40}, 1f))).toBytes();
        IOException e = assertThrows(IOException.class, () -> OnnxGraph.parse(overflow, "of.onnx"));
        assertTrue(e.getMessage().contains("overflow") && e.getMessage().contains("'big'"), e.getMessage());

        byte[] mismatch = new ProtoWriter().message(7, new ProtoWriter().message(5,
                floatRawTensor("w", new long[] {2, 2}, 1f, 2f, 3f))).toBytes();
        IOException e2 = assertThrows(IOException.class, () -> OnnxGraph.parse(mismatch, "mm.onnx"));
        assertTrue(e2.getMessage().contains("raw_data") && e2.getMessage().contains("16")
                && e2.getMessage().contains("12"), e2.getMessage());

        byte[] negDim = new ProtoWriter().message(7, new ProtoWriter().message(5,
                floatRawTensor("n", new long[] {-1}))).toBytes();
        assertThrows(IOException.class, () -> OnnxGraph.parse(negDim, "nd.onnx"));
    }

    @Test
    void rejectsMissingGraphAndBadWireTypes() {
        IOException e = assertThrows(IOException.class,
                () -> OnnxGraph.parse(new ProtoWriter().varint(1, 8).toBytes(), "nograph.onnx"));
        assertTrue(e.getMessage().contains("graph"), e.getMessage());
        // field 1, wire type 7 (invalid)
        assertThrows(IOException.class, () -> OnnxGraph.parse(new byte[] {0x0F}, "wire.onnx"));
        // start-group wire type is not supported
        assertThrows(IOException.class, () -> OnnxGraph.parse(new byte[] {0x0B, 0x0C}, "group.onnx"));
    }

    @Test
    void skipsUnknownFieldsOfEveryWireType() throws IOException {
        ProtoWriter graph = new ProtoWriter().varint(50, 7).fixed32(51, 1f).string(52, "x")
                .raw(new byte[] {(byte) 0xA9, 0x03, 1, 2, 3, 4, 5, 6, 7, 8}) // field 53, fixed64
                .message(11, valueInfo("in"));
        OnnxGraph g = OnnxGraph.parse(new ProtoWriter().message(7, graph).varint(77, 1).toBytes(), "u.onnx");
        assertEquals(List.of("in"), g.inputs());
    }

    // External data ----------------------------------------------------------------------------

    /** A FLOAT tensor whose data lives in {@code location}, as onnx.save_model(save_as_external_data=True) writes it. */
    private static ProtoWriter externalTensor(String name, String location) {
        return new ProtoWriter().packedVarints(1, 2).varint(2, OnnxDataType.FLOAT).string(8, name)
                .message(13, new ProtoWriter().string(1, "location").string(2, location))
                .message(13, new ProtoWriter().string(1, "length").string(2, "8"))
                .varint(14, 1);
    }

    private static IOException refused(byte[] model) {
        return assertThrows(IOException.class, () -> OnnxGraph.parse(model, "/models/evil/model.onnx"));
    }

    @Test
    void externalDataInAnInitializerIsRefusedNamingFileTensorAndLocation() {
        byte[] model = new ProtoWriter().message(7, new ProtoWriter()
                .message(5, floatRawTensor("ok", new long[] {1}, 1f))
                .message(5, externalTensor("encoder.bias", "../../outside.bin"))).toBytes();
        IOException e = refused(model);
        assertTrue(e.getMessage().contains("/models/evil/model.onnx") && e.getMessage().contains("initializer 'encoder.bias'")
                && e.getMessage().contains("'../../outside.bin'") && e.getMessage().contains("external"), e.getMessage());
    }

    @Test
    void externalDataIsRefusedWhereverItHides() {
        byte[] absolute = new ProtoWriter().message(7, new ProtoWriter()
                .message(5, floatRawTensor("w", new long[] {2}, 1f, 2f).varint(14, 1))).toBytes();
        assertTrue(refused(absolute).getMessage().contains("initializer 'w'"), "data_location alone marks external data");

        ProtoWriter constant = new ProtoWriter().string(2, "c").string(4, "Constant")
                .message(5, new ProtoWriter().string(1, "value").varint(20, 4).message(5, externalTensor("", "/etc/passwd")));
        assertTrue(refused(new ProtoWriter().message(7, new ProtoWriter().message(1, constant)).toBytes())
                .getMessage().contains("'/etc/passwd'"), "a Constant node's tensor");

        ProtoWriter body = new ProtoWriter().message(5, externalTensor("then_w", "then.bin"));
        ProtoWriter ifNode = new ProtoWriter().string(1, "cond").string(2, "y").string(4, "If")
                .message(5, new ProtoWriter().string(1, "then_branch").varint(20, 5).message(6, body));
        IOException sub = refused(new ProtoWriter().message(7, new ProtoWriter().message(1, ifNode)).toBytes());
        assertTrue(sub.getMessage().contains("'then_w'") && sub.getMessage().contains("then.bin"), sub.getMessage());

        ProtoWriter loop = new ProtoWriter().string(4, "Loop").message(5, new ProtoWriter().string(1, "bodies").varint(20, 10)
                .message(11, new ProtoWriter().message(1, new ProtoWriter().string(4, "Constant").message(5,
                        new ProtoWriter().string(1, "value").varint(20, 4).message(5, externalTensor("deep", "deep.bin"))))));
        assertTrue(refused(new ProtoWriter().message(7, new ProtoWriter().message(1, loop)).toBytes())
                .getMessage().contains("deep.bin"), "a node inside a subgraph list");

        ProtoWriter sparse = new ProtoWriter().message(1, externalTensor("sv", "sparse.bin"))
                .message(2, new ProtoWriter().varint(2, OnnxDataType.INT64).string(8, "si"));
        assertTrue(refused(new ProtoWriter().message(7, new ProtoWriter().message(15, sparse)).toBytes())
                .getMessage().contains("sparse.bin"), "a sparse initializer");

        ProtoWriter function = new ProtoWriter().string(1, "f").message(7, constant);
        assertTrue(refused(new ProtoWriter().message(7, new ProtoWriter().message(11, valueInfo("x")))
                .message(25, function).toBytes()).getMessage().contains("/etc/passwd"), "a model-local function");

        ProtoWriter attrTensors = new ProtoWriter().string(4, "Custom").message(5, new ProtoWriter().string(1, "ts")
                .varint(20, 9).message(10, externalTensor("listed", "list.bin")));
        assertTrue(refused(new ProtoWriter().message(7, new ProtoWriter().message(1, attrTensors)).toBytes())
                .getMessage().contains("list.bin"), "an attribute's tensor list");
    }

    @Test
    void deeplyNestedSubgraphsAreRefusedWithoutExhaustingTheStack() {
        ProtoWriter graph = new ProtoWriter();
        for (int i = 0; i < 200; i++) {
            ProtoWriter node = new ProtoWriter().string(4, "If").message(5, new ProtoWriter().string(1, "g").varint(20, 5)
                    .message(6, graph));
            graph = new ProtoWriter().message(1, node);
        }
        IOException e = refused(new ProtoWriter().message(7, graph).toBytes());
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
    }
}
