package dev.graft.model.bert;

import ai.djl.nn.Parameter;
import dev.graft.tensor.TensorData;
import java.util.LinkedHashMap;
import java.util.Map;

/** A tiny configuration and helpers for tests that need no pretrained weights. */
final class TinyBert {

    static final BertConfig CONFIG = new BertConfig(50, 8, 2, 2, 16, 12, 2, 1e-12);

    private TinyBert() {
    }

    /** The model's current parameters as named tensors. */
    static Map<String, TensorData> export(BertModel model) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            var a = e.getValue().getArray();
            out.put(e.getKey(), new TensorData(e.getKey(), a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }
}
