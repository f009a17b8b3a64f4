package dev.graft.artifact.export;

import ai.djl.nn.Parameter;
import dev.graft.tensor.onnx.OnnxGraphBuilder;
import java.util.List;

/** ONNX nodes for the layers several exported modules share: a linear map and the exact GELU. */
final class OnnxLayers {

    private OnnxLayers() {
    }

    /** {@code x · Wᵀ + b} for {@code W [out, in]} (PyTorch's and DJL's layout), stored transposed for MatMul. */
    static String linear(OnnxGraphBuilder g, String x, Parameter weight, Parameter bias, String name) {
        long[] shape = weight.getArray().getShape().getShape();
        String wt = g.initializer(name + ".weight_t", new long[] {shape[1], shape[0]},
                transpose(weight.getArray().toFloatArray(), (int) shape[0], (int) shape[1]));
        String b = g.initializer(name + ".bias", bias.getArray().getShape().getShape(), bias.getArray().toFloatArray());
        return g.node("Add", List.of(g.node("MatMul", List.of(x, wt), name + "/matmul"), b), name);
    }

    /** The exact GELU, {@code x·(erf(x/√2) + 1)·0.5}, in the order Graft's module computes it. */
    static String gelu(OnnxGraphBuilder g, String x, String name) {
        String erf = g.node("Erf", List.of(g.node("Mul", List.of(x, g.scalar(name + "/inv_sqrt2", (float) (1.0 / Math.sqrt(2.0)))),
                name + "/in")), name + "/erf");
        String times = g.node("Mul", List.of(x, g.node("Add", List.of(erf, g.scalar(name + "/one", 1f)), name + "/1p")), name + "/x");
        return g.node("Mul", List.of(times, g.scalar(name + "/half", 0.5f)), name);
    }

    /** The transpose of a row-major {@code [rows, cols]} matrix. */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
