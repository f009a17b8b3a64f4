package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/** A copy of parameter values on the Java heap, used to keep and restore the best epoch's weights. */
public final class ParameterSnapshot {

    private final Map<String, float[]> values;

    private ParameterSnapshot(Map<String, float[]> values) {
        this.values = values;
    }

    /** Copies the current values. */
    public static ParameterSnapshot of(Map<String, Parameter> parameters) {
        Map<String, float[]> v = new LinkedHashMap<>();
        parameters.forEach((name, p) -> v.put(name, p.getArray().toFloatArray()));
        return new ParameterSnapshot(v);
    }

    /** Writes the copied values back into the same parameters, in place. */
    public void restore(Map<String, Parameter> parameters) {
        parameters.forEach((name, p) -> {
            float[] saved = values.get(name);
            if (saved == null) {
                throw new IllegalStateException("snapshot has no value for parameter '" + name + "'");
            }
            NDArray a = p.getArray();
            a.set(java.nio.FloatBuffer.wrap(saved));
        });
    }
}
