package dev.graft.training;

import ai.djl.nn.Parameter;
import dev.graft.model.ArrayCopies;
import dev.graft.tensor.TensorData;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A copy of parameter values on the Java heap, used to keep and restore the best epoch's weights. */
public final class ParameterSnapshot {

    private final Map<String, TensorData> values;

    private ParameterSnapshot(Map<String, TensorData> values) {
        this.values = values;
    }

    /** Copies the current values. */
    public static ParameterSnapshot of(Map<String, Parameter> parameters) {
        Map<String, TensorData> v = new LinkedHashMap<>();
        parameters.forEach((name, p) -> v.put(name, new TensorData(name, p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
        return new ParameterSnapshot(v);
    }

    /** A snapshot of tensors read back from a checkpoint. */
    public static ParameterSnapshot fromTensors(Map<String, TensorData> tensors) {
        return new ParameterSnapshot(new LinkedHashMap<>(tensors));
    }

    /** The values as named tensors. */
    public Map<String, TensorData> toTensors() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** Writes the copied values back into the same parameters, in place; names and shapes must match. */
    public void restore(Map<String, Parameter> parameters) {
        parameters.forEach((name, p) -> {
            TensorData saved = values.get(name);
            if (saved == null || !Arrays.equals(saved.shape(), p.getArray().getShape().getShape())) {
                throw new IllegalStateException("snapshot has no value of the right shape for parameter '" + name + "'");
            }
            ArrayCopies.copyInto(p.getArray(), saved.data());
        });
    }
}
