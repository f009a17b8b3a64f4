package dev.graft.tensor;

import java.util.Arrays;

/**
 * A named, engine-independent float32 tensor held in row-major order: the currency between weight
 * files (ONNX, safetensors) and model modules.
 *
 * @param name  stable dotted name, e.g. {@code encoder.layer.0.attention.self.query.weight}
 * @param shape dimensions, outermost first
 * @param data  values in row-major order; its length equals the product of {@code shape}
 */
public record TensorData(String name, long[] shape, float[] data) {

    /** Validates that the data length matches the shape. */
    public TensorData {
        long n = elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("Tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " (" + n + " elements) but " + data.length + " values");
        }
    }

    /** Number of elements a tensor of {@code shape} holds; rejects negative dimensions. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** A copy of this tensor under another name. */
    public TensorData renamed(String newName) {
        return new TensorData(newName, shape, data);
    }

    /** The transpose of a 2-D tensor (e.g. ONNX MatMul weights stored {@code [in,out]} to PyTorch's {@code [out,in]}). */
    public TensorData transposed2d() {
        if (shape.length != 2) {
            throw new IllegalStateException("transposed2d needs a 2-D tensor, '" + name + "' has shape " + Arrays.toString(shape));
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] t = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = data[r * cols + c];
            }
        }
        return new TensorData(name, new long[] {cols, rows}, t);
    }
}
