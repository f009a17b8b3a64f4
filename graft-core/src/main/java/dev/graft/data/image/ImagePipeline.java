package dev.graft.data.image;

import java.util.SplittableRandom;

/**
 * Turns a decoded image into the model's input tensor ({@code [3, H, W]} floats, channel-major):
 * for evaluation resize (shorter side) + centre crop, for training the {@link Augmentation} steps;
 * then rescale and normalise as the {@link PreprocessorConfig} says. Resampling is PIL's
 * antialiased bilinear filter (what torchvision's {@code Resize} uses), so downscaling does not alias.
 * Stateless and thread-safe; training randomness comes only from the {@link SplittableRandom} passed in.
 */
public final class ImagePipeline {

    private final PreprocessorConfig config;
    private final Augmentation augmentation;

    /** A pipeline for this model preprocessing and training augmentation. */
    public ImagePipeline(PreprocessorConfig config, Augmentation augmentation) {
        this.config = config;
        this.augmentation = augmentation;
    }

    /** The preprocessing. */
    public PreprocessorConfig config() {
        return config;
    }

    /** The training augmentation. */
    public Augmentation augmentation() {
        return augmentation;
    }

    /** Values per output image ({@code 3·H·W}). */
    public int outputSize() {
        return 3 * config.outputHeight() * config.outputWidth();
    }

    /** Evaluation preprocessing: resize shorter side, centre crop, normalise. */
    public float[] evaluate(RgbImage img) {
        int w = img.width();
        int h = img.height();
        int rw = w;
        int rh = h;
        int edge = config.shortestEdge();
        if (edge > 0) {
            if (w <= h) {
                rw = edge;
                rh = (int) ((long) edge * h / w);
            } else {
                rh = edge;
                rw = (int) ((long) edge * w / h);
            }
        }
        int ch = config.cropHeight() > 0 ? config.cropHeight() : rh;
        int cw = config.cropWidth() > 0 ? config.cropWidth() : rw;
        int top = (int) Math.round((rh - ch) / 2.0);
        int left = (int) Math.round((rw - cw) / 2.0);
        float[][] planes = resample(img, 0, 0, w, h, rw, rh, left, top, cw, ch);
        return normalise(planes, cw, ch);
    }

    /** Training preprocessing: the augmentation steps with randomness from {@code rng}, then normalise. */
    public float[] train(RgbImage img, SplittableRandom rng) {
        if (augmentation.isNone()) {
            return evaluate(img);
        }
        int oh = config.outputHeight();
        int ow = config.outputWidth();
        double[] box = randomResizedCrop(img.width(), img.height(), rng);
        float[][] p = resample(img, box[0], box[1], box[2], box[3], ow, oh, 0, 0, ow, oh);
        if (augmentation.flip() > 0 && rng.nextDouble() < augmentation.flip()) {
            flip(p, ow, oh);
        }
        if (augmentation.maxRotationDegrees() > 0) {
            double deg = (rng.nextDouble() * 2 - 1) * augmentation.maxRotationDegrees();
            p = rotate(p, ow, oh, Math.toRadians(deg));
        }
        if (augmentation.jitter() > 0) {
            double j = augmentation.jitter();
            jitter(p, 1 + (rng.nextDouble() * 2 - 1) * j, 1 + (rng.nextDouble() * 2 - 1) * j, 1 + (rng.nextDouble() * 2 - 1) * j);
        }
        return normalise(p, ow, oh);
    }

    /** torchvision's RandomResizedCrop box {@code (x0, y0, x1, y1)} in source pixels. */
    double[] randomResizedCrop(int w, int h, SplittableRandom rng) {
        double area = (double) w * h;
        double logLo = Math.log(3.0 / 4);
        double logHi = Math.log(4.0 / 3);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (augmentation.minScale() + rng.nextDouble() * (1 - augmentation.minScale()));
            double ratio = Math.exp(logLo + rng.nextDouble() * (logHi - logLo));
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int y = rng.nextInt(h - ch + 1);
                int x = rng.nextInt(w - cw + 1);
                return new double[] {x, y, x + cw, y + ch};
            }
        }
        double r = (double) w / h;
        int cw;
        int ch;
        if (r < 3.0 / 4) {
            cw = w;
            ch = (int) Math.round(w / (3.0 / 4));
        } else if (r > 4.0 / 3) {
            ch = h;
            cw = (int) Math.round(h * (4.0 / 3));
        } else {
            cw = w;
            ch = h;
        }
        ch = Math.min(ch, h);
        cw = Math.min(cw, w);
        int y = (h - ch) / 2;
        int x = (w - cw) / 2;
        return new double[] {x, y, x + cw, y + ch};
    }

    /**
     * Resamples the source box {@code [x0,x1)×[y0,y1)} to a virtual {@code outW × outH} image and
     * returns its window {@code [left, left+cw) × [top, top+ch)} as three planes of 0..255 floats.
     */
    static float[][] resample(RgbImage img, double x0, double y0, double x1, double y1, int outW, int outH,
                              int left, int top, int cw, int ch) {
        int w = img.width();
        int h = img.height();
        Coeffs cx = coeffs(w, x0, x1, outW, left, cw);
        Coeffs cy = coeffs(h, y0, y1, outH, top, ch);
        // rows needed from the source
        int rowLo = h;
        int rowHi = 0;
        for (int i = 0; i < ch; i++) {
            rowLo = Math.min(rowLo, cy.start[i]);
            rowHi = Math.max(rowHi, cy.start[i] + cy.count[i]);
        }
        int rows = rowHi - rowLo;
        float[][] horiz = new float[3][rows * cw];
        byte[] src = img.rgb();
        for (int r = 0; r < rows; r++) {
            int sy = rowLo + r;
            int rowOff = sy * w * 3;
            for (int x = 0; x < cw; x++) {
                float a = 0;
                float b = 0;
                float c = 0;
                int s = cx.start[x];
                float[] k = cx.weights[x];
                for (int t = 0; t < cx.count[x]; t++) {
                    int o = rowOff + (s + t) * 3;
                    a += k[t] * (src[o] & 0xFF);
                    b += k[t] * (src[o + 1] & 0xFF);
                    c += k[t] * (src[o + 2] & 0xFF);
                }
                horiz[0][r * cw + x] = a;
                horiz[1][r * cw + x] = b;
                horiz[2][r * cw + x] = c;
            }
        }
        float[][] out = new float[3][ch * cw];
        for (int y = 0; y < ch; y++) {
            int s = cy.start[y] - rowLo;
            float[] k = cy.weights[y];
            for (int c = 0; c < 3; c++) {
                float[] hp = horiz[c];
                float[] op = out[c];
                for (int x = 0; x < cw; x++) {
                    float v = 0;
                    for (int t = 0; t < cy.count[y]; t++) {
                        v += k[t] * hp[(s + t) * cw + x];
                    }
                    op[y * cw + x] = v;
                }
            }
        }
        return out;
    }

    private record Coeffs(int[] start, int[] count, float[][] weights) {
    }

    /** PIL's {@code precompute_coeffs} for the bilinear (triangle) filter, for outputs {@code first..first+n-1}. */
    private static Coeffs coeffs(int inSize, double in0, double in1, int outSize, int first, int n) {
        double scale = (in1 - in0) / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale;
        int[] start = new int[n];
        int[] count = new int[n];
        float[][] weights = new float[n][];
        for (int i = 0; i < n; i++) {
            int xx = first + i;
            double center = in0 + (xx + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            if (xmax <= xmin) {
                xmin = Math.min(Math.max(0, (int) center), inSize - 1);
                xmax = xmin + 1;
            }
            double[] k = new double[xmax - xmin];
            double sum = 0;
            for (int x = 0; x < k.length; x++) {
                double d = Math.abs((x + xmin - center + 0.5) / filterScale);
                k[x] = d < 1 ? 1 - d : 0;
                sum += k[x];
            }
            float[] kf = new float[k.length];
            for (int x = 0; x < k.length; x++) {
                kf[x] = (float) (sum == 0 ? 1.0 / k.length : k[x] / sum);
            }
            start[i] = xmin;
            count[i] = k.length;
            weights[i] = kf;
        }
        return new Coeffs(start, count, weights);
    }

    private static void flip(float[][] p, int w, int h) {
        for (float[] plane : p) {
            for (int y = 0; y < h; y++) {
                for (int a = y * w, b = y * w + w - 1; a < b; a++, b--) {
                    float t = plane[a];
                    plane[a] = plane[b];
                    plane[b] = t;
                }
            }
        }
    }

    private static float[][] rotate(float[][] p, int w, int h, double angle) {
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        float[][] out = new float[3][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = x - cx;
                double dy = y - cy;
                double sx = cos * dx + sin * dy + cx;
                double sy = -sin * dx + cos * dy + cy;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                for (int c = 0; c < 3; c++) {
                    double v = (1 - fx) * (1 - fy) * at(p[c], w, h, x0, y0) + fx * (1 - fy) * at(p[c], w, h, x0 + 1, y0)
                            + (1 - fx) * fy * at(p[c], w, h, x0, y0 + 1) + fx * fy * at(p[c], w, h, x0 + 1, y0 + 1);
                    out[c][y * w + x] = (float) v;
                }
            }
        }
        return out;
    }

    private static float at(float[] plane, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0f : plane[y * w + x];
    }

    private static void jitter(float[][] p, double brightness, double contrast, double saturation) {
        int n = p[0].length;
        double meanGray = 0;
        for (int i = 0; i < n; i++) {
            meanGray += gray(p, i) * brightness;
        }
        meanGray /= n;
        for (int i = 0; i < n; i++) {
            double r = clamp(p[0][i] * brightness);
            double g = clamp(p[1][i] * brightness);
            double b = clamp(p[2][i] * brightness);
            r = clamp((r - meanGray) * contrast + meanGray);
            g = clamp((g - meanGray) * contrast + meanGray);
            b = clamp((b - meanGray) * contrast + meanGray);
            double gr = 0.299 * r + 0.587 * g + 0.114 * b;
            p[0][i] = (float) clamp((r - gr) * saturation + gr);
            p[1][i] = (float) clamp((g - gr) * saturation + gr);
            p[2][i] = (float) clamp((b - gr) * saturation + gr);
        }
    }

    private static double gray(float[][] p, int i) {
        return 0.299 * p[0][i] + 0.587 * p[1][i] + 0.114 * p[2][i];
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : v > 255 ? 255 : v;
    }

    private float[] normalise(float[][] planes, int w, int h) {
        int n = w * h;
        float[] out = new float[3 * n];
        float scale = (float) config.rescaleFactor();
        for (int c = 0; c < 3; c++) {
            float m = config.doNormalize() ? config.mean()[c] : 0f;
            float s = config.doNormalize() ? config.std()[c] : 1f;
            float[] src = planes[c];
            for (int i = 0; i < n; i++) {
                out[c * n + i] = (src[i] * scale - m) / s;
            }
        }
        return out;
    }
}
