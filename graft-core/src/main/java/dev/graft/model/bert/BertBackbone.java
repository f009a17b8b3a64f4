package dev.graft.model.bert;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a trainable {@link BertModel} with pretrained weights, from an ONNX export (weights
 * imported from its initializers) or from a Hugging Face style directory ({@code config.json} +
 * {@code model.safetensors}), and saves one in the latter form.
 */
public final class BertBackbone {

    /** Weights file of a safetensors backbone directory. */
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Architecture file of a safetensors backbone directory. */
    public static final String CONFIG_FILE = "config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private BertBackbone() {
    }

    /** A model whose architecture and weights are read from an ONNX export of a BERT encoder. */
    public static BertModel fromOnnx(Path onnx, NDManager manager, float dropout) {
        try {
            OnnxGraph graph = OnnxGraph.read(onnx);
            BertModel model = new BertModel(BertConfigInference.fromOnnx(graph), dropout);
            model.initialize(manager);
            BertWeights.load(model, BertWeights.fromOnnx(graph));
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot import BERT weights from " + onnx + ": " + e.getMessage(), e);
        }
    }

    /** A model read from {@code dir/config.json} and {@code dir/model.safetensors} (strict: every tensor must match). */
    public static BertModel fromDirectory(Path dir, NDManager manager, float dropout) {
        try {
            BertModel model = new BertModel(readConfig(dir.resolve(CONFIG_FILE)), dropout);
            model.initialize(manager);
            Map<String, TensorData> weights = new LinkedHashMap<>();
            try (SafeTensorsFile f = SafeTensors.open(dir.resolve(WEIGHTS_FILE))) {
                for (TensorData t : f.readAll()) {
                    weights.put(t.name(), t);
                }
            }
            BertWeights.load(model, weights);
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load BERT weights from " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code config.json} and {@code model.safetensors} (Hugging Face BERT names) into {@code dir}. */
    public static void save(BertModel model, Path dir) throws IOException {
        List<TensorData> tensors = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            tensors.add(new TensorData(e.getKey(), e.getValue().getArray().getShape().getShape(), e.getValue().getArray().toFloatArray()));
        }
        SafeTensors.write(dir.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
        AtomicFiles.writeString(dir.resolve(CONFIG_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(model.config())));
    }

    /** The Hugging Face {@code config.json} form of a configuration. */
    public static ObjectNode toJson(BertConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("model_type", "bert");
        n.putArray("architectures").add("BertModel");
        n.put("vocab_size", c.vocabSize());
        n.put("hidden_size", c.hiddenSize());
        n.put("num_hidden_layers", c.numLayers());
        n.put("num_attention_heads", c.numHeads());
        n.put("intermediate_size", c.intermediateSize());
        n.put("max_position_embeddings", c.maxPositions());
        n.put("type_vocab_size", c.typeVocabSize());
        n.put("layer_norm_eps", c.layerNormEps());
        n.put("hidden_act", "gelu");
        return n;
    }

    /** Reads a BERT {@code config.json}; a missing field is named in the error. */
    public static BertConfig readConfig(Path file) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        return new BertConfig(required(n, "vocab_size", file), required(n, "hidden_size", file), required(n, "num_hidden_layers", file),
                required(n, "num_attention_heads", file), required(n, "intermediate_size", file),
                required(n, "max_position_embeddings", file), n.path("type_vocab_size").asInt(2), n.path("layer_norm_eps").asDouble(1e-12));
    }

    private static int required(JsonNode n, String field, Path file) throws IOException {
        if (!n.path(field).canConvertToInt()) {
            throw new IOException(file + " has no integer field '" + field + "'");
        }
        return n.path(field).asInt();
    }

    /** Whether {@code dir} holds a safetensors backbone. */
    public static boolean isDirectory(Path dir) {
        return Files.isRegularFile(dir.resolve(WEIGHTS_FILE)) && Files.isRegularFile(dir.resolve(CONFIG_FILE));
    }
}
