package dev.graft.model.vision;

import dev.graft.tensor.TensorData;
import java.util.Map;

/**
 * Plain-Java building blocks of the CNN reference forwards in the tests (inference mode, one image at a time):
 * the tests' {@code Reference} classes extend it and compose these into ResNet and EfficientNet, independently of DJL.
 */
class CnnReference {

    /** A {@code [c, h, w]} activation. */
    record T(int c, int h, int w, float[] v) {
    }

    /** Grouped convolution ({@code groups} = channels for depthwise). */
    static T conv(T x, TensorData wt, TensorData bias, int stride, int pad, int groups) {
        int oc = (int) wt.shape()[0];
        int icg = (int) wt.shape()[1];
        int k = (int) wt.shape()[2];
        int ocg = oc / groups;
        int oh = (x.h() + 2 * pad - k) / stride + 1;
        int ow = (x.w() + 2 * pad - k) / stride + 1;
        float[] o = new float[oc * oh * ow];
        for (int co = 0; co < oc; co++) {
            int g = co / ocg;
            for (int y = 0; y < oh; y++) {
                for (int xx = 0; xx < ow; xx++) {
                    double s = bias == null ? 0 : bias.data()[co];
                    for (int cig = 0; cig < icg; cig++) {
                        int ci = g * icg + cig;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = y * stride - pad + ky;
                            if (iy < 0 || iy >= x.h()) {
                                continue;
                            }
                            for (int kx = 0; kx < k; kx++) {
                                int ix = xx * stride - pad + kx;
                                if (ix >= 0 && ix < x.w()) {
                                    s += x.v()[(ci * x.h() + iy) * x.w() + ix] * wt.data()[((co * icg + cig) * k + ky) * k + kx];
                                }
                            }
                        }
                    }
                    o[(co * oh + y) * ow + xx] = (float) s;
                }
            }
        }
        return new T(oc, oh, ow, o);
    }

    /** BatchNorm in inference mode (running statistics, eps 1e-5) with the parameters named {@code p.*}. */
    static T bn(T x, Map<String, TensorData> w, String p) {
        float[] g = w.get(p + ".weight").data();
        float[] b = w.get(p + ".bias").data();
        float[] m = w.get(p + ".running_mean").data();
        float[] v = w.get(p + ".running_var").data();
        float[] o = new float[x.v().length];
        int hw = x.h() * x.w();
        for (int c = 0; c < x.c(); c++) {
            double scale = g[c] / Math.sqrt(v[c] + 1e-5);
            for (int i = 0; i < hw; i++) {
                o[c * hw + i] = (float) ((x.v()[c * hw + i] - m[c]) * scale + b[c]);
            }
        }
        return new T(x.c(), x.h(), x.w(), o);
    }
}
