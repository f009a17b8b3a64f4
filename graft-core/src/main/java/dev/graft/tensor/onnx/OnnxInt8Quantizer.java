package dev.graft.tensor.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic int8 quantisation of an ONNX model's weight matrices, the way ONNX Runtime's {@code quantize_dynamic}
 * (per-channel, signed int8 weights) rewrites them: each {@code MatMul} whose second input is a 2-D float32
 * initializer {@code W [K, N]} becomes
 * <pre>
 *   DynamicQuantizeLinear(x)                      → x_q (uint8), x_scale, x_zero_point   (per tensor, at run time)
 *   MatMulInteger(x_q, W_q, x_zero_point, W_zero) → int32                               (W_q int8, W_zero = 0 per column)
 *   Cast(float) · (x_scale · W_scale)             → float32                             (W_scale per output column)
 * </pre>
 * with {@code W_scale[n] = max|W[:, n]| / 127} and {@code W_q = round(W / W_scale)} (symmetric). Other nodes, and a
 * weight also read by a node that is not quantised, stay float32. Needs opset 11 ({@code DynamicQuantizeLinear}).
 *
 * <p>The model is edited as protobuf {@link UnknownFieldSet}s: nodes and initializers other than the rewritten ones
 * are copied byte for byte.
 */
public final class OnnxInt8Quantizer {

    /** The least opset with {@code DynamicQuantizeLinear}. */
    public static final int MIN_OPSET = 11;
    private static final int INT8 = 3;

    private OnnxInt8Quantizer() {
    }

    /**
     * What a quantisation did.
     *
     * @param model          the quantised model's bytes
     * @param quantised      how many MatMul nodes were rewritten
     * @param weightsBefore  bytes of the float32 weights that were quantised
     * @param weightsAfter   bytes of their int8 values and scales
     */
    public record Result(byte[] model, int quantised, long weightsBefore, long weightsAfter) {
    }

    /**
     * Quantises {@code model} (a {@code ModelProto}).
     *
     * @throws IllegalArgumentException when the model's opset is below {@link #MIN_OPSET} or it has no weight matrix
     *                                  to quantise
     */
    public static Result quantize(byte[] model) {
        try {
            long opset = OnnxModelInfo.of(model).opset();
            if (opset < MIN_OPSET) {
                throw new IllegalArgumentException("int8 quantisation needs ONNX opset " + MIN_OPSET + " or later; this model declares opset "
                        + opset + ".");
            }
            UnknownFieldSet m = UnknownFieldSet.parseFrom(model);
            UnknownFieldSet graph = UnknownFieldSet.parseFrom(m.getField(7).getLengthDelimitedList().get(0));
            Map<String, UnknownFieldSet> weights = new LinkedHashMap<>();
            for (ByteString t : graph.getField(5).getLengthDelimitedList()) {
                UnknownFieldSet tensor = UnknownFieldSet.parseFrom(t);
                weights.put(string(tensor, 8), tensor);
            }
            List<UnknownFieldSet> nodes = new ArrayList<>();
            Map<String, Integer> uses = new HashMap<>();
            for (ByteString n : graph.getField(1).getLengthDelimitedList()) {
                UnknownFieldSet node = UnknownFieldSet.parseFrom(n);
                nodes.add(node);
                for (ByteString in : node.getField(1).getLengthDelimitedList()) {
                    uses.merge(in.toStringUtf8(), 1, Integer::sum);
                }
            }
            List<ByteString> newNodes = new ArrayList<>();
            List<ByteString> newTensors = new ArrayList<>();
            Map<String, String[]> done = new HashMap<>(); // weight name → {q, scale, zero} names
            Map<String, Integer> quantisedUses = new HashMap<>();
            Map<String, String[]> activations = new HashMap<>(); // activation name → {q, scale, zero} names
            int rewritten = 0;
            long before = 0;
            long after = 0;
            for (UnknownFieldSet node : nodes) {
                List<String> in = strings(node, 1);
                String weight = in.size() == 2 ? in.get(1) : null;
                UnknownFieldSet w = weight == null ? null : weights.get(weight);
                if (!"MatMul".equals(string(node, 4)) || !string(node, 7).isEmpty() || w == null || !isMatrix(w)) {
                    newNodes.add(node.toByteString());
                    continue;
                }
                String[] q = done.get(weight);
                if (q == null) {
                    long[] dims = w.getField(1).getVarintList().stream().mapToLong(Long::longValue).toArray();
                    float[] values = floats(w, (int) (dims[0] * dims[1]));
                    QuantizedMatrix qm = QuantizedMatrix.of(values, (int) dims[0], (int) dims[1]);
                    q = new String[] {weight + "_quantized", weight + "_scale", weight + "_zero_point"};
                    newTensors.add(OnnxGraphBuilder.tensor(q[0], INT8, dims, qm.values()));
                    newTensors.add(OnnxGraphBuilder.tensor(q[1], OnnxDataType.FLOAT, new long[] {dims[1]}, le(qm.scales())));
                    newTensors.add(OnnxGraphBuilder.tensor(q[2], INT8, new long[] {dims[1]}, new byte[(int) dims[1]]));
                    done.put(weight, q);
                    before += values.length * 4L;
                    after += qm.values().length + dims[1] * 5L;
                }
                quantisedUses.merge(weight, 1, Integer::sum);
                String x = in.get(0);
                String out = strings(node, 2).get(0);
                String p = out + "_int8";
                String[] xq = activations.get(x);
                if (xq == null) { // one DynamicQuantizeLinear per activation, shared by the MatMuls reading it (Q, K, V)
                    xq = new String[] {x + "_q" + activations.size(), x + "_scale" + activations.size(), x + "_zero_point" + activations.size()};
                    newNodes.add(OnnxGraphBuilder.node("DynamicQuantizeLinear", xq[0], List.of(x), List.of(xq)));
                    activations.put(x, xq);
                }
                newNodes.add(OnnxGraphBuilder.node("MatMulInteger", p + "_mmi", List.of(xq[0], q[0], xq[2], q[2]), List.of(p + "_i32")));
                newNodes.add(OnnxGraphBuilder.node("Cast", p + "_cast", List.of(p + "_i32"), List.of(p + "_f32"),
                        OnnxAttr.of("to", (long) OnnxDataType.FLOAT)));
                newNodes.add(OnnxGraphBuilder.node("Mul", p + "_scales", List.of(xq[1], q[1]), List.of(p + "_scale")));
                newNodes.add(OnnxGraphBuilder.node("Mul", out, List.of(p + "_f32", p + "_scale"), List.of(out)));
                rewritten++;
            }
            if (rewritten == 0) {
                throw new IllegalArgumentException("the model has no MatMul with a float32 weight matrix to quantise.");
            }
            UnknownFieldSet.Field.Builder tensors = UnknownFieldSet.Field.newBuilder();
            for (Map.Entry<String, UnknownFieldSet> e : weights.entrySet()) {
                boolean allQuantised = done.containsKey(e.getKey())
                        && quantisedUses.get(e.getKey()).equals(uses.getOrDefault(e.getKey(), 0));
                if (!allQuantised) {
                    tensors.addLengthDelimited(e.getValue().toByteString());
                }
            }
            newTensors.forEach(tensors::addLengthDelimited);
            UnknownFieldSet.Field.Builder nodeField = UnknownFieldSet.Field.newBuilder();
            newNodes.forEach(nodeField::addLengthDelimited);
            UnknownFieldSet newGraph = UnknownFieldSet.newBuilder(graph).addField(1, nodeField.build()).addField(5, tensors.build()).build();
            byte[] bytes = UnknownFieldSet.newBuilder(m)
                    .addField(7, UnknownFieldSet.Field.newBuilder().addLengthDelimited(newGraph.toByteString()).build())
                    .build().toByteArray();
            return new Result(bytes, rewritten, before, after);
        } catch (IOException e) {
            throw new IllegalArgumentException("the ONNX model cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** Symmetric per-column int8 values of a row-major {@code [rows, cols]} matrix and each column's scale. */
    record QuantizedMatrix(byte[] values, float[] scales) {

        static QuantizedMatrix of(float[] w, int rows, int cols) {
            float[] scales = new float[cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    scales[c] = Math.max(scales[c], Math.abs(w[r * cols + c]));
                }
            }
            for (int c = 0; c < cols; c++) {
                scales[c] = scales[c] == 0f ? 1f : scales[c] / 127f;
            }
            byte[] q = new byte[w.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    q[r * cols + c] = (byte) Math.max(-127, Math.min(127, Math.round(w[r * cols + c] / scales[c])));
                }
            }
            return new QuantizedMatrix(q, scales);
        }
    }

    private static boolean isMatrix(UnknownFieldSet tensor) {
        List<Long> type = tensor.getField(2).getVarintList();
        return tensor.getField(1).getVarintList().size() == 2 && !type.isEmpty() && type.get(0) == OnnxDataType.FLOAT
                && tensor.getField(13).getLengthDelimitedList().isEmpty();
    }

    private static float[] floats(UnknownFieldSet tensor, int n) {
        float[] out = new float[n];
        List<ByteString> raw = tensor.getField(9).getLengthDelimitedList();
        if (!raw.isEmpty()) {
            raw.get(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        List<ByteString> packed = tensor.getField(4).getLengthDelimitedList();
        if (!packed.isEmpty()) {
            packed.get(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        List<Integer> single = tensor.getField(4).getFixed32List();
        for (int i = 0; i < n; i++) {
            out[i] = Float.intBitsToFloat(single.get(i));
        }
        return out;
    }

    private static byte[] le(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private static String string(UnknownFieldSet m, int field) {
        return m.getField(field).getLengthDelimitedList().stream().findFirst().map(ByteString::toStringUtf8).orElse("");
    }

    private static List<String> strings(UnknownFieldSet m, int field) {
        return m.getField(field).getLengthDelimitedList().stream().map(ByteString::toStringUtf8).toList();
    }
}
