package dev.graft.model.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import dev.graft.model.bert.Gelu;
import dev.graft.model.bert.LinearDelta;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Houlsby bottleneck adapter on a sublayer's output {@code y}: {@code y + up(gelu(down(y)))}, with
 * {@code down [size, width]} drawn from N(0, 0.02) and {@code up [width, size]} from N(0, 1e-3), biases
 * zero, so the adapter starts near the identity.
 */
final class BottleneckAdapter implements LinearDelta {

    private final Parameter downWeight;
    private final Parameter downBias;
    private final Parameter upWeight;
    private final Parameter upBias;

    BottleneckAdapter(int width, int size, NDManager manager) {
        downWeight = param("down.weight", Parameter.Type.WEIGHT, new Shape(size, width), new NormalInitializer(0.02f), manager);
        downBias = param("down.bias", Parameter.Type.BIAS, new Shape(size), new ConstantInitializer(0f), manager);
        upWeight = param("up.weight", Parameter.Type.WEIGHT, new Shape(width, size), new NormalInitializer(1e-3f), manager);
        upBias = param("up.bias", Parameter.Type.BIAS, new Shape(width), new ConstantInitializer(0f), manager);
    }

    private static Parameter param(String name, Parameter.Type type, Shape shape, ai.djl.training.initializer.Initializer init,
                                   NDManager manager) {
        Parameter p = Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init).build();
        p.initialize(manager, DataType.FLOAT32);
        return p;
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray input, NDArray output, boolean training) {
        var device = output.getDevice();
        NDArray hidden = Gelu.exact(Linear.linear(output, ps.getValue(downWeight, device, training),
                ps.getValue(downBias, device, training)).singletonOrThrow());
        NDArray back = Linear.linear(hidden, ps.getValue(upWeight, device, training), ps.getValue(upBias, device, training))
                .singletonOrThrow();
        return output.add(back);
    }

    Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("adapter.down.weight", downWeight);
        m.put("adapter.down.bias", downBias);
        m.put("adapter.up.weight", upWeight);
        m.put("adapter.up.bias", upBias);
        return m;
    }
}
