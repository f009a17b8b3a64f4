package dev.graft.model.bert;

import dev.graft.tensor.TensorData;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Hugging Face encoder checkpoint translated to {@link BertModel}'s names.
 *
 * @param architecture the family {@code config.json} names
 * @param config       the architecture as a {@link BertConfig}
 * @param weights      tensors under BERT names ({@code embeddings.*}, {@code encoder.layer.N.*})
 * @param ignored      checkpoint names deliberately left out (pooler, heads, {@code position_ids} buffers)
 * @param weightsFile  the file the weights were read from
 */
public record HfCheckpoint(HfArchitecture architecture, BertConfig config, Map<String, TensorData> weights,
                           List<String> ignored, Path weightsFile) {

    /** Validates and copies. */
    public HfCheckpoint {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(weightsFile, "weightsFile");
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        ignored = List.copyOf(ignored);
    }

    /** Number of parameters (elements) in the mapped weights. */
    public long parameterCount() {
        long n = 0;
        for (TensorData t : weights.values()) {
            n += t.data().length;
        }
        return n;
    }
}
