package dev.graft.data.image.masks;

import dev.graft.data.image.PreprocessorConfig;

/**
 * Images with their gold masks, by index, as a model reads them: {@link #pixels} is example {@code i} channel-major
 * ({@code [3, H, W]}) in 0..255, its size that of {@link #mask}.
 */
public interface SegmentationSamples extends MaskTargets {

    /** The pixels of example {@code i}, {@code [3, H, W]} channel-major, 0..255. */
    float[] pixels(int i);

    /** Planar 0..255 pixels {@code [3, H, W]} of interleaved RGB bytes. */
    static float[] planar(byte[] rgb, int width, int height) {
        int n = width * height;
        float[] out = new float[3 * n];
        for (int p = 0; p < n; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * n + p] = rgb[p * 3 + c] & 0xff;
            }
        }
        return out;
    }

    /** {@code pixels} ({@code [3, H, W]}, 0..255) rescaled and normalised as {@code pre} says, in place; returns it. */
    static float[] normalise(float[] pixels, PreprocessorConfig pre) {
        int n = pixels.length / 3;
        for (int c = 0; c < 3; c++) {
            float scale = (float) pre.rescaleFactor();
            float mean = pre.doNormalize() ? pre.mean()[c] : 0f;
            float std = pre.doNormalize() ? pre.std()[c] : 1f;
            for (int p = c * n; p < (c + 1) * n; p++) {
                pixels[p] = (pixels[p] * scale - mean) / std;
            }
        }
        return pixels;
    }
}
