package dev.graft.tensor.onnx;

import java.util.List;
import java.util.Map;

/**
 * A graph node ({@code NodeProto}).
 *
 * @param name       node name, e.g. {@code /encoder/layer.0/attention/self/query/MatMul} (may be empty)
 * @param opType     operator, e.g. {@code MatMul}
 * @param inputs     input value names in order (an empty string marks an omitted optional input)
 * @param outputs    output value names in order
 * @param attributes attributes by name, in file order
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
                       Map<String, OnnxAttribute> attributes) {

    /** Defensive copies. */
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    /** The attribute called {@code attrName}, or {@code null}. */
    public OnnxAttribute attribute(String attrName) {
        return attributes.get(attrName);
    }
}
