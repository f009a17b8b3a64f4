package dev.graft.model.vision.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Bilinear resizing of {@code [B, C, h, w]} maps as two matrix products ({@code R_h · x · R_wᵀ}), with PyTorch's
 * {@code align_corners=false} sampling, so that it is differentiable on every engine. Written here because DJL's
 * {@code resize} works on images in HWC layout; the interpolation matrices are small (output side × input side).
 */
final class Bilinear {

    private Bilinear() {
    }

    /** {@code x} resized to {@code height × width}. */
    static NDArray resize(NDArray x, long height, long width) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        if (h == height && w == width) {
            return x;
        }
        NDArray rows = matrix(x.getManager(), (int) height, (int) h).toType(x.getDataType(), false);
        NDArray cols = matrix(x.getManager(), (int) width, (int) w).toType(x.getDataType(), false).transpose();
        return rows.matMul(x).matMul(cols);
    }

    /** The {@code out × in} interpolation matrix: row i holds the weights of output sample i. */
    static NDArray matrix(NDManager manager, int out, int in) {
        float[] m = new float[out * in];
        double scale = (double) in / out;
        for (int i = 0; i < out; i++) {
            double src = Math.max(0, (i + 0.5) * scale - 0.5);
            int i0 = Math.min((int) Math.floor(src), in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            double f = src - i0;
            m[i * in + i0] += (float) (1 - f);
            m[i * in + i1] += (float) f;
        }
        return manager.create(m, new Shape(out, in));
    }
}
