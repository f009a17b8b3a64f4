package dev.graft.model.head;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.model.ArrayCopies;
import dev.graft.tensor.TensorData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained {@link ClassifierHead}'s weights in plain float arrays, applied in Java: prediction with a saved head needs
 * no tensor engine, so a model whose features come from ONNX Runtime predicts without loading libtorch. The forward
 * pass is the head's in inference mode (dropout is the identity): {@code out_proj(GELU(dense(x)))}, or
 * {@code out_proj(x)} without a hidden layer, with the exact (erf) GELU that libtorch computes. Sums are taken in
 * double and rounded once, so outputs equal the libtorch head's to float rounding. {@link #toBlock} builds the DJL
 * head with the same weights when training or a libtorch backbone needs it.
 */
public final class HeadArrays {

    private final HeadConfig config;
    private final float[] denseWeight;
    private final float[] denseBias;
    private final float[] outWeight;
    private final float[] outBias;

    private HeadArrays(HeadConfig config, Map<String, float[]> tensors) {
        this.config = config;
        this.denseWeight = config.hiddenUnits() > 0 ? tensors.get("dense.weight") : null;
        this.denseBias = config.hiddenUnits() > 0 ? tensors.get("dense.bias") : null;
        this.outWeight = tensors.get("out_proj.weight");
        this.outBias = tensors.get("out_proj.bias");
        shapes(config).forEach((name, shape) -> {
            float[] v = tensors.get(name);
            if (v == null || v.length != TensorData.elementCount(shape)) {
                throw new IllegalArgumentException("head tensor '" + name + "' is " + (v == null ? "missing" : "of " + v.length
                        + " values") + ", expected shape " + java.util.Arrays.toString(shape));
            }
        });
    }

    /**
     * The tensors a head of {@code config} has, by the names {@link ClassifierHead#namedParameters()} gives them, with
     * their shapes ({@code [out, in]} weights as libtorch stores them), in module order.
     */
    public static Map<String, long[]> shapes(HeadConfig config) {
        Map<String, long[]> s = new LinkedHashMap<>();
        int rep = config.inputDim();
        if (config.hiddenUnits() > 0) {
            s.put("dense.weight", new long[] {config.hiddenUnits(), config.inputDim()});
            s.put("dense.bias", new long[] {config.hiddenUnits()});
            rep = config.hiddenUnits();
        }
        s.put("out_proj.weight", new long[] {config.numClasses(), rep});
        s.put("out_proj.bias", new long[] {config.numClasses()});
        return s;
    }

    /**
     * A head of {@code config} with these tensors (named and shaped as {@link #shapes} says; the arrays are kept, not
     * copied).
     *
     * @throws IllegalArgumentException naming a tensor that is missing or has the wrong number of values
     */
    public static HeadArrays of(HeadConfig config, Map<String, float[]> tensors) {
        return new HeadArrays(config, tensors);
    }

    /** A copy of a DJL head's current weights. */
    public static HeadArrays of(ClassifierHead head) {
        Map<String, float[]> t = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : head.namedParameters().entrySet()) {
            t.put(e.getKey(), e.getValue().getArray().toFloatArray());
        }
        return new HeadArrays(head.config(), t);
    }

    /** The head's configuration. */
    public HeadConfig config() {
        return config;
    }

    /** The weights as named tensors, in module order (what {@code head.safetensors} stores). */
    public List<TensorData> tensors() {
        List<TensorData> out = new ArrayList<>();
        shapes(config).forEach((name, shape) -> out.add(new TensorData(name, shape, array(name))));
        return out;
    }

    private float[] array(String name) {
        return switch (name) {
            case "dense.weight" -> denseWeight;
            case "dense.bias" -> denseBias;
            case "out_proj.weight" -> outWeight;
            default -> outBias;
        };
    }

    /**
     * A DJL {@link ClassifierHead} with these weights, its parameters in {@code manager} (which loads the engine: call
     * it only to train or to run the head on libtorch).
     */
    public ClassifierHead toBlock(NDManager manager) {
        ClassifierHead head = new ClassifierHead(config);
        head.initialize(manager);
        for (Map.Entry<String, Parameter> e : head.namedParameters().entrySet()) {
            ArrayCopies.copyInto(e.getValue().getArray(), array(e.getKey()));
        }
        return head;
    }

    /**
     * The raw outputs (logits) of each feature row.
     *
     * @throws IllegalArgumentException when a row's width is not the head's input width
     */
    public float[][] logits(float[][] features) {
        float[][] out = new float[features.length][];
        for (int i = 0; i < features.length; i++) {
            float[] x = features[i];
            if (x.length != config.inputDim()) {
                throw new IllegalArgumentException("feature row " + i + " has " + x.length + " values but the head reads "
                        + config.inputDim());
            }
            if (denseWeight != null) {
                x = linear(x, denseWeight, denseBias, config.hiddenUnits());
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) gelu(x[j]);
                }
            }
            out[i] = linear(x, outWeight, outBias, config.numClasses());
        }
        return out;
    }

    /**
     * Each feature row's raw outputs passed through {@code activate} (a task's activation of one row).
     *
     * @throws IllegalArgumentException when a row's width is not the head's input width
     */
    public float[][] outputs(float[][] features, java.util.function.UnaryOperator<float[]> activate) {
        float[][] out = logits(features);
        for (int i = 0; i < out.length; i++) {
            out[i] = activate.apply(out[i]);
        }
        return out;
    }

    private static float[] linear(float[] x, float[] weight, float[] bias, int units) {
        int in = x.length;
        float[] y = new float[units];
        for (int u = 0; u < units; u++) {
            double sum = 0;
            int row = u * in;
            for (int k = 0; k < in; k++) {
                sum += (double) x[k] * weight[row + k];
            }
            y[u] = (float) (sum + bias[u]);
        }
        return y;
    }

    /** The exact GELU, {@code x/2 · (1 + erf(x/√2))}. */
    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /**
     * erf to about 1e-14: its Maclaurin series below 3 (terms stay under 200 in size, so cancellation costs less than two
     * digits) and the continued fraction of erfc above. Written here because the JDK has no erf and one function does
     * not justify a numerics library.
     */
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
        if (ax > 6) {
            return Math.signum(x); // erfc(6) < 3e-17
        }
        double f = 0; // erfc's continued fraction, evaluated backwards
        for (int k = 60; k >= 1; k--) {
            f = k / 2.0 / (ax + f);
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        return Math.signum(x) * (1 - erfc);
    }
}
