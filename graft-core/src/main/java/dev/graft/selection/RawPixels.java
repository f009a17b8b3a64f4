package dev.graft.selection;

import dev.graft.data.image.RgbImage;

/**
 * The image baseline's features: the picture shrunk to {@value #SIDE}×{@value #SIDE} RGB by averaging the pixels that
 * fall into each cell (the whole picture, squashed: no crop), in [0, 1], then standardised per feature with the
 * training images' mean and standard deviation ({@link Scaler}) and scaled by {@code 1/√}{@value #DIMENSIONS} so that
 * vectors have about unit norm, as {@link SoftmaxRegression}'s defaults expect. A linear model on these is the "linear on
 * raw features" floor a pretrained CNN should clear: strong on centred digits or flat icons, weak on photographs.
 */
final class RawPixels {

    /** Side of the shrunk image, in cells. */
    static final int SIDE = 16;
    /** Vector length: {@code SIDE·SIDE·3}. */
    static final int DIMENSIONS = SIDE * SIDE * 3;

    private RawPixels() {
    }

    /** The {@value #DIMENSIONS} cell means of {@code image} (row-major cells, RGB interleaved), in [0, 1]. */
    static float[] cells(RgbImage image) {
        float[] v = new float[DIMENSIONS];
        int w = image.width();
        int h = image.height();
        for (int cy = 0; cy < SIDE; cy++) {
            int y0 = (int) ((long) cy * h / SIDE);
            int y1 = Math.max(y0 + 1, (int) ((long) (cy + 1) * h / SIDE)); // an image under SIDE px: the nearest row
            for (int cx = 0; cx < SIDE; cx++) {
                int x0 = (int) ((long) cx * w / SIDE);
                int x1 = Math.max(x0 + 1, (int) ((long) (cx + 1) * w / SIDE));
                int i = (cy * SIDE + cx) * 3;
                double[] sum = new double[3];
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        for (int c = 0; c < 3; c++) {
                            sum[c] += image.get(x, y, c);
                        }
                    }
                }
                int n = (y1 - y0) * (x1 - x0);
                for (int c = 0; c < 3; c++) {
                    v[i + c] = (float) (sum[c] / n / 255.0);
                }
            }
        }
        return v;
    }

    /** Per-feature standardisation fitted on training vectors, applied to any vector. */
    static final class Scaler {
        /** Added to every standard deviation, so constant features (a border that is always white) stay finite. */
        private static final double MIN_STD = 1e-2;
        private final double[] mean = new double[DIMENSIONS];
        private final double[] scale = new double[DIMENSIONS];

        /** Fits the means and standard deviations of {@code train} (at least one vector). */
        Scaler(float[][] train) {
            for (float[] v : train) {
                for (int i = 0; i < DIMENSIONS; i++) {
                    mean[i] += v[i];
                }
            }
            for (int i = 0; i < DIMENSIONS; i++) {
                mean[i] /= train.length;
            }
            double[] var = new double[DIMENSIONS];
            for (float[] v : train) {
                for (int i = 0; i < DIMENSIONS; i++) {
                    double d = v[i] - mean[i];
                    var[i] += d * d;
                }
            }
            for (int i = 0; i < DIMENSIONS; i++) {
                scale[i] = 1.0 / ((Math.sqrt(var[i] / train.length) + MIN_STD) * Math.sqrt(DIMENSIONS));
            }
        }

        /** The standardised, scaled vector of cell means {@code v}. */
        SparseVector apply(float[] v) {
            int[] indices = new int[DIMENSIONS];
            float[] values = new float[DIMENSIONS];
            for (int i = 0; i < DIMENSIONS; i++) {
                indices[i] = i;
                values[i] = (float) ((v[i] - mean[i]) * scale[i]);
            }
            return new SparseVector(indices, values);
        }
    }
}
