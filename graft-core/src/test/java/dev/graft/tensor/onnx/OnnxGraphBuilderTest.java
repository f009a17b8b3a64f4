package dev.graft.tensor.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Graphs written by {@link OnnxGraphBuilder} load in ONNX Runtime and compute what they say; Graft's own reader reads
 * them back; {@link OnnxGraphBuilder#extend} appends to a base model; {@link OnnxInt8Quantizer} computes exactly
 * DynamicQuantizeLinear + MatMulInteger + scales as specified.
 */
class OnnxGraphBuilderTest {

    private static final int IN = 5;
    private static final int OUT = 4;
    private static final Random RANDOM = new Random(7);
    private static final float[] W = random(IN * OUT);
    private static final float[] B = random(OUT);

    private static float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) RANDOM.nextGaussian();
        }
        return v;
    }

    /** {@code y = x·W + b} with {@code x [batch, IN]}. */
    private static OnnxGraphBuilder linear(int opset) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("test", opset);
        String x = g.input("x", OnnxDataType.FLOAT, "batch", (long) IN);
        String w = g.initializer("w", new long[] {IN, OUT}, W);
        String b = g.initializer("b", new long[] {OUT}, B);
        String y = g.node("Add", List.of(g.node("MatMul", List.of(x, w), "xw"), b), "y");
        g.output(y, OnnxDataType.FLOAT, "batch", (long) OUT);
        g.metadata("purpose", "test");
        return g;
    }

    private static float[][] run(byte[] model, float[][] x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, x);
             OrtSession.Result r = s.run(Map.of("x", in))) {
            OnnxTensor t = (OnnxTensor) r.get(0);
            long[] shape = t.getInfo().getShape();
            FloatBuffer fb = t.getFloatBuffer();
            float[][] out = new float[(int) shape[0]][(int) shape[1]];
            for (float[] row : out) {
                fb.get(row);
            }
            return out;
        }
    }

    private static float[][] reference(float[][] x) {
        float[][] y = new float[x.length][OUT];
        for (int i = 0; i < x.length; i++) {
            for (int n = 0; n < OUT; n++) {
                double s = B[n];
                for (int k = 0; k < IN; k++) {
                    s += x[i][k] * W[k * OUT + n];
                }
                y[i][n] = (float) s;
            }
        }
        return y;
    }

    @Test
    void aBuiltGraphRunsInOnnxRuntimeAndReadsBack() throws Exception {
        byte[] model = linear(17).toModel();
        float[][] x = {random(IN), random(IN), random(IN)};
        float[][] y = run(model, x);
        float[][] expected = reference(x);
        for (int i = 0; i < x.length; i++) {
            for (int n = 0; n < OUT; n++) {
                assertEquals(expected[i][n], y[i][n], 1e-5);
            }
        }
        OnnxGraph read = OnnxGraph.parse(model, "built");
        assertEquals(List.of("x"), read.inputs());
        assertEquals(List.of("y"), read.outputs());
        assertEquals(List.of("MatMul", "Add"), read.nodes().stream().map(OnnxNode::opType).toList());
        assertEquals(IN * OUT, read.initializer("w").orElseThrow().data().length);
        OnnxModelInfo info = OnnxModelInfo.of(model);
        assertEquals(17, info.opset());
        assertEquals("test", info.metadata().get("purpose"));
    }

    @Test
    void extendAppendsNodesAndReplacesTheOutputs() throws Exception {
        byte[] base = linear(13).toModel();
        OnnxGraphBuilder more = new OnnxGraphBuilder("more", 13);
        String s = more.node("Sigmoid", List.of("y"), "scores");
        more.output(s, OnnxDataType.FLOAT, "batch", (long) OUT);
        more.metadata("purpose", "extended");
        byte[] model = more.extend(base);
        float[][] x = {random(IN)};
        float[][] y = run(model, x);
        float[][] expected = reference(x);
        for (int n = 0; n < OUT; n++) {
            assertEquals(1 / (1 + Math.exp(-expected[0][n])), y[0][n], 1e-5);
        }
        assertEquals(List.of("scores"), OnnxGraph.parse(model, "extended").outputs());
        assertEquals("extended", OnnxModelInfo.of(model).metadata().get("purpose"), "a key set again is replaced, not repeated");
        assertEquals(1, OnnxModelInfo.of(model).metadata().size());
    }

    @Test
    void int8QuantisationComputesDynamicQuantizeLinearAndPerColumnScales() throws Exception {
        byte[] fp32 = linear(17).toModel();
        OnnxInt8Quantizer.Result q = OnnxInt8Quantizer.quantize(fp32);
        assertEquals(1, q.quantised());
        assertEquals(IN * OUT * 4L, q.weightsBefore());
        OnnxGraph read = OnnxGraph.parse(q.model(), "int8");
        assertTrue(read.rawInitializer("w").isEmpty(), "the float weight is gone");
        assertEquals(List.of("DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul", "Mul", "Add"),
                read.nodes().stream().map(OnnxNode::opType).toList());
        float[][] x = {random(IN), random(IN)};
        float[][] y = run(q.model(), x);
        // the reference: ONNX's DynamicQuantizeLinear on x, symmetric per-column int8 weights
        float[] scale = new float[OUT];
        for (int n = 0; n < OUT; n++) {
            for (int k = 0; k < IN; k++) {
                scale[n] = Math.max(scale[n], Math.abs(W[k * OUT + n]));
            }
            scale[n] /= 127f;
        }
        float min = 0;
        float max = 0;
        for (float[] row : x) {
            for (float v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        float xs = (max - min) / 255f;
        int zp = (int) Math.max(0, Math.min(255, Math.rint(-min / xs)));
        float[][] exact = reference(x);
        for (int i = 0; i < x.length; i++) {
            for (int n = 0; n < OUT; n++) {
                long acc = 0;
                for (int k = 0; k < IN; k++) {
                    int xq = (int) Math.max(0, Math.min(255, Math.rint(x[i][k] / xs) + zp));
                    int wq = (int) Math.max(-127, Math.min(127, Math.round(W[k * OUT + n] / scale[n])));
                    acc += (long) (xq - zp) * wq;
                }
                float expected = acc * (xs * scale[n]) + B[n];
                assertEquals(expected, y[i][n], 1e-4, "int8 arithmetic");
                assertEquals(exact[i][n], y[i][n], 0.15, "close to fp32");
            }
        }
    }

    @Test
    void quantisationNeedsOpset11AndAWeightMatrix() {
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class, () -> OnnxInt8Quantizer.quantize(linear(10).toModel()));
        assertTrue(old.getMessage().contains("opset 11") && old.getMessage().contains("opset 10"), old.getMessage());
        OnnxGraphBuilder g = new OnnxGraphBuilder("none", 17);
        String x = g.input("x", OnnxDataType.FLOAT, "batch", (long) IN);
        g.output(g.node("Relu", List.of(x), "y"), OnnxDataType.FLOAT, "batch", (long) IN);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> OnnxInt8Quantizer.quantize(g.toModel()));
        assertTrue(none.getMessage().contains("no MatMul"), none.getMessage());
    }
}
