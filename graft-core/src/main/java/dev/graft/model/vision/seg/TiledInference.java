package dev.graft.model.vision.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Sliding-window inference with overlap blending, for images larger than the tile a model is run on (its training
 * crop). The image is reflect-padded so that each side is a multiple of {@value SegmentationNet#STRIDE} and at least
 * one tile; tiles of side {@code tile} start every {@code tile − overlap} pixels (the last one flush with the far
 * side); each tile's class probabilities are weighted per pixel and the weighted sum divided by the summed weights.
 *
 * <p>The weight of a pixel falls to 0 within {@code overlap / 4} pixels of a tile edge that lies inside the image
 * (where the tile's zero padding distorts the output) and rises linearly to 1 over the next {@code overlap / 4}
 * pixels; tile edges on the image's own border keep full weight. So a model whose output at a pixel depends only on
 * inputs within {@code overlap / 4} pixels gets exactly its whole-image output, and any model gets a seamless blend.
 * An image that fits in one tile is run whole.
 */
public final class TiledInference {

    private final int tile;
    private final int overlap;

    /**
     * @param tile    side of a tile in pixels (a multiple of {@value SegmentationNet#STRIDE})
     * @param overlap pixels shared by neighbouring tiles, in {@code [0, tile / 2]}
     */
    public TiledInference(int tile, int overlap) {
        if (tile < SegmentationNet.STRIDE || tile % SegmentationNet.STRIDE != 0) {
            throw new IllegalArgumentException("the tile side must be a positive multiple of " + SegmentationNet.STRIDE + ", got " + tile);
        }
        if (overlap < 0 || overlap > tile / 2) {
            throw new IllegalArgumentException("the tile overlap must be in [0, tile/2 = " + tile / 2 + "], got " + overlap);
        }
        this.tile = tile;
        this.overlap = overlap;
    }

    /** Side of a tile. */
    public int tile() {
        return tile;
    }

    /** Overlap of neighbouring tiles. */
    public int overlap() {
        return overlap;
    }

    /**
     * Class probabilities {@code [classes, height, width]} (flattened) of a normalised image.
     *
     * @param pixels  the image, {@code [3, height, width]} channel-major, as the model reads it
     * @param model   activated model: {@code [1, 3, h, w]} → {@code [1, classes, h, w]} probabilities
     * @param scope   manager under which each tile gets its own short-lived scope
     */
    public float[] probabilities(float[] pixels, int width, int height, int classes, UnaryOperator<NDArray> model,
                                 NDManager scope) {
        int paddedW = Math.max(roundUp(width), width <= tile && height <= tile ? 0 : tile);
        int paddedH = Math.max(roundUp(height), width <= tile && height <= tile ? 0 : tile);
        float[] padded = reflectPad(pixels, width, height, paddedW, paddedH);
        if (paddedW <= tile && paddedH <= tile) { // the whole image at once
            return crop(run(model, scope, padded, paddedW, paddedH, 0, 0, paddedW, paddedH, classes), classes, paddedW, paddedH, width, height);
        }
        int tw = Math.min(tile, paddedW);
        int th = Math.min(tile, paddedH);
        float[] sum = new float[classes * paddedW * paddedH];
        float[] weight = new float[paddedW * paddedH];
        for (int y0 : starts(paddedH, th)) {
            for (int x0 : starts(paddedW, tw)) {
                float[] probs = run(model, scope, padded, paddedW, paddedH, x0, y0, tw, th, classes);
                float[] wy = ramp(th, y0 == 0, y0 + th == paddedH);
                float[] wx = ramp(tw, x0 == 0, x0 + tw == paddedW);
                for (int y = 0; y < th; y++) {
                    for (int x = 0; x < tw; x++) {
                        float w = wy[y] * wx[x];
                        if (w == 0) {
                            continue;
                        }
                        int o = (y0 + y) * paddedW + x0 + x;
                        weight[o] += w;
                        for (int c = 0; c < classes; c++) {
                            sum[c * paddedW * paddedH + o] += w * probs[(c * th + y) * tw + x];
                        }
                    }
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int o = 0; o < weight.length; o++) {
                sum[c * weight.length + o] /= weight[o];
            }
        }
        return crop(sum, classes, paddedW, paddedH, width, height);
    }

    /** Tile starts along a side of {@code length}: every {@code side − overlap} pixels, the last flush with the end. */
    List<Integer> starts(int length, int side) {
        List<Integer> s = new ArrayList<>();
        int step = side - overlap;
        int p = 0;
        while (p + side < length) {
            s.add(p);
            p += step;
        }
        s.add(length - side);
        return s;
    }

    /** Per-pixel weight along one side of a tile; a side on the image border keeps full weight up to its edge. */
    float[] ramp(int side, boolean atStart, boolean atEnd) {
        int margin = overlap / 4;
        int rise = Math.max(1, overlap / 2 - margin);
        float[] w = new float[side];
        for (int p = 0; p < side; p++) {
            int d = Math.min(atStart ? Integer.MAX_VALUE / 2 : p, atEnd ? Integer.MAX_VALUE / 2 : side - 1 - p);
            w[p] = (float) Math.max(0, Math.min(1, (d - margin + 1.0) / rise));
        }
        return w;
    }

    private static float[] run(UnaryOperator<NDArray> model, NDManager scope, float[] image, int width, int height,
                               int x0, int y0, int w, int h, int classes) {
        float[] in = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(image, (c * height + y0 + y) * width + x0, in, (c * h + y) * w, w);
            }
        }
        try (NDManager step = scope.newSubManager()) {
            NDArray out = model.apply(step.create(in, new Shape(1, 3, h, w)));
            if (out.size() != (long) classes * w * h) {
                throw new IllegalStateException("the model returned " + out.getShape() + " for a " + w + "x" + h + " tile");
            }
            return out.toFloatArray();
        }
    }

    private static int roundUp(int v) {
        return (v + SegmentationNet.STRIDE - 1) / SegmentationNet.STRIDE * SegmentationNet.STRIDE;
    }

    /** {@code [C, h, w]} reflect-padded at the far sides to {@code [C, ph, pw]}. */
    static float[] reflectPad(float[] x, int w, int h, int pw, int ph) {
        if (pw == w && ph == h) {
            return x;
        }
        int channels = x.length / (w * h);
        float[] out = new float[channels * pw * ph];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < ph; y++) {
                int sy = reflect(y, h);
                for (int xx = 0; xx < pw; xx++) {
                    out[(c * ph + y) * pw + xx] = x[(c * h + sy) * w + reflect(xx, w)];
                }
            }
        }
        return out;
    }

    private static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = i % period;
        return m < n ? m : period - m;
    }

    private static float[] crop(float[] x, int channels, int pw, int ph, int w, int h) {
        if (pw == w && ph == h) {
            return x;
        }
        float[] out = new float[channels * w * h];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(x, (c * ph + y) * pw, out, (c * h + y) * w, w);
            }
        }
        return out;
    }
}
