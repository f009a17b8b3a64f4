package dev.graft.model.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import dev.graft.model.Scalars;
import dev.graft.model.bert.LinearDelta;
import dev.graft.model.torch.CounterDropout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LoRA's low-rank update of a linear layer: {@code y + (alpha/r)·B·A·dropout(x)} with
 * {@code A [r, in]} (uniform in ±1/√in, as PEFT's Kaiming init) and {@code B [out, r]} starting at
 * zero, so the decorated layer starts exactly as the pretrained one.
 */
final class LoraDelta implements LinearDelta {

    /** Name of A relative to the decorated layer (PEFT's). */
    static final String A = "lora_A.weight";
    /** Name of B relative to the decorated layer (PEFT's). */
    static final String B = "lora_B.weight";

    private final Parameter a;
    private final Parameter b;
    private final float scale;
    private final float dropout;

    LoraDelta(int in, int out, int rank, float scale, float dropout, NDManager manager) {
        this.scale = scale;
        this.dropout = dropout;
        a = Parameter.builder().setName("lora_A").setType(Parameter.Type.WEIGHT).optShape(new Shape(rank, in))
                .optInitializer(new UniformInitializer((float) (1.0 / Math.sqrt(in)))).build();
        b = Parameter.builder().setName("lora_B").setType(Parameter.Type.WEIGHT).optShape(new Shape(out, rank))
                .optInitializer(new ConstantInitializer(0f)).build();
        a.initialize(manager, DataType.FLOAT32);
        b.initialize(manager, DataType.FLOAT32);
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray input, NDArray output, boolean training) {
        return output.add(term(ps, input, training));
    }

    @Override
    public boolean additive() {
        return true;
    }

    /** {@code (alpha/r)·B·A·dropout(x)}. */
    @Override
    public NDArray term(ParameterStore ps, NDArray input, boolean training) {
        NDArray x = dropout > 0 ? CounterDropout.apply(input, dropout, training) : input;
        NDArray low = Linear.linear(x, ps.getValue(a, x.getDevice(), training)).singletonOrThrow();
        NDArray up = Linear.linear(low, ps.getValue(b, x.getDevice(), training)).singletonOrThrow();
        return Scalars.mul(up, scale);
    }

    /** {@code (alpha/r)·B·A} as row-major {@code [out, in]} values, computed in double precision. */
    float[] update() {
        long[] as = a.getArray().getShape().getShape();
        long[] bs = b.getArray().getShape().getShape();
        int rank = (int) as[0];
        int in = (int) as[1];
        int out = (int) bs[0];
        float[] av = a.getArray().toFloatArray();
        float[] bv = b.getArray().toFloatArray();
        float[] w = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double s = 0;
                for (int k = 0; k < rank; k++) {
                    s += (double) bv[o * rank + k] * av[k * in + i];
                }
                w[o * in + i] = (float) (s * scale);
            }
        }
        return w;
    }

    Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put(A, a);
        m.put(B, b);
        return m;
    }
}
