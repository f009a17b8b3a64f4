package dev.graft.model.bert;

import dev.graft.tensor.TensorData;
import java.util.Map;

/**
 * A plain-Java BERT forward pass for one unpadded sequence, written from the Hugging Face equations and
 * independent of DJL and of {@link BertModel}: a reference for checkpoint-loading tests.
 */
final class ReferenceEncoder {

    private final Map<String, TensorData> w;
    private final int hidden;
    private final int heads;
    private final double eps;

    ReferenceEncoder(Map<String, TensorData> bertNamedWeights, int heads, double eps) {
        this.w = bertNamedWeights;
        this.hidden = (int) w.get("embeddings.word_embeddings.weight").shape()[1];
        this.heads = heads;
        this.eps = eps;
    }

    /** Last hidden state {@code [T][H]} for {@code ids}, positions {@code firstPosition...}, token type 0. */
    float[][] forward(long[] ids, int firstPosition, int layers, boolean tokenTypes) {
        int t = ids.length;
        double[][] x = new double[t][hidden];
        for (int i = 0; i < t; i++) {
            for (int h = 0; h < hidden; h++) {
                x[i][h] = row("embeddings.word_embeddings.weight", (int) ids[i])[h]
                        + row("embeddings.position_embeddings.weight", firstPosition + i)[h]
                        + (tokenTypes ? row("embeddings.token_type_embeddings.weight", 0)[h] : 0);
            }
            x[i] = layerNorm(x[i], "embeddings.LayerNorm");
        }
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            double[][] q = linear(x, p + "attention.self.query");
            double[][] k = linear(x, p + "attention.self.key");
            double[][] v = linear(x, p + "attention.self.value");
            int d = hidden / heads;
            double[][] ctx = new double[t][hidden];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        for (int c = 0; c < d; c++) {
                            s[j] += q[i][h * d + c] * k[j][h * d + c];
                        }
                        s[j] /= Math.sqrt(d);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int c = 0; c < d; c++) {
                            ctx[i][h * d + c] += s[j] / sum * v[j][h * d + c];
                        }
                    }
                }
            }
            double[][] a = linear(ctx, p + "attention.output.dense");
            double[][] x1 = new double[t][];
            for (int i = 0; i < t; i++) {
                x1[i] = layerNorm(add(a[i], x[i]), p + "attention.output.LayerNorm");
            }
            double[][] inter = linear(x1, p + "intermediate.dense");
            for (double[] r : inter) {
                for (int c = 0; c < r.length; c++) {
                    r[c] = 0.5 * r[c] * (1 + erf(r[c] / Math.sqrt(2)));
                }
            }
            double[][] o = linear(inter, p + "output.dense");
            for (int i = 0; i < t; i++) {
                x[i] = layerNorm(add(o[i], x1[i]), p + "output.LayerNorm");
            }
        }
        float[][] out = new float[t][hidden];
        for (int i = 0; i < t; i++) {
            for (int h = 0; h < hidden; h++) {
                out[i][h] = (float) x[i][h];
            }
        }
        return out;
    }

    private float[] row(String name, int r) {
        TensorData table = w.get(name);
        int width = (int) table.shape()[1];
        float[] out = new float[width];
        System.arraycopy(table.data(), r * width, out, 0, width);
        return out;
    }

    private double[][] linear(double[][] x, String module) {
        TensorData weight = w.get(module + ".weight");
        TensorData bias = w.get(module + ".bias");
        int outs = (int) weight.shape()[0];
        int ins = (int) weight.shape()[1];
        double[][] y = new double[x.length][outs];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < outs; o++) {
                double s = bias.data()[o];
                for (int c = 0; c < ins; c++) {
                    s += weight.data()[o * ins + c] * x[i][c];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private double[] layerNorm(double[] v, String module) {
        double mean = 0;
        for (double a : v) {
            mean += a;
        }
        mean /= v.length;
        double var = 0;
        for (double a : v) {
            var += (a - mean) * (a - mean);
        }
        var /= v.length;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (v[i] - mean) / Math.sqrt(var + eps) * w.get(module + ".weight").data()[i]
                    + w.get(module + ".bias").data()[i];
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    /** erf to ~1e-12 by its Maclaurin series (|x| small) or the continued fraction of erfc. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 3) {
            double sum = 0;
            double term = ax;
            for (int n = 0; n < 200; n++) {
                sum += term / (2 * n + 1);
                term *= -ax * ax / (n + 1);
                if (Math.abs(term) < 1e-17) {
                    break;
                }
            }
            return Math.signum(x) * 2 / Math.sqrt(Math.PI) * sum;
        }
        double f = 0; // erfc continued fraction, evaluated backwards
        for (int k = 60; k >= 1; k--) {
            f = k / 2.0 / (ax + f);
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        return Math.signum(x) * (1 - erfc);
    }
}
