package dev.graft.model.bert;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.tensor.safetensors.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * A model read from a Hugging Face style directory: {@code config.json} (BERT, RoBERTa,
     * DistilBERT or MiniLM) and {@code model.safetensors} or {@code pytorch_model.bin} (read
     * without executing pickle). Loading is strict: every parameter must be present and shaped right.
     */
    public static BertModel fromDirectory(Path dir, NDManager manager, float dropout) {
        try {
            HfCheckpoint checkpoint = HfCheckpoints.read(dir);
            BertModel model = new BertModel(checkpoint.config(), dropout);
            model.initialize(manager);
            HfCheckpoints.load(model, checkpoint);
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

    /**
     * The Hugging Face {@code config.json} form of a configuration. Positions that start after the first rows of the
     * table (RoBERTa's {@code padding_idx + 1}) are written as RoBERTa with {@code pad_token_id}, so that reading the
     * file back gives the same offset.
     */
    public static ObjectNode toJson(BertConfig c) {
        ObjectNode n = JSON.createObjectNode();
        boolean roberta = c.positionOffset() > 0;
        n.put("model_type", roberta ? "roberta" : "bert");
        n.putArray("architectures").add(roberta ? "RobertaModel" : "BertModel");
        if (roberta) {
            n.put("pad_token_id", c.positionOffset() - 1);
        }
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

    /** Whether {@code dir} holds a Hugging Face style backbone ({@code config.json} and weights). */
    public static boolean isDirectory(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG_FILE)) && (Files.isRegularFile(dir.resolve(WEIGHTS_FILE))
                || Files.isRegularFile(dir.resolve(HfCheckpoints.PYTORCH_FILE)));
    }

    /** The weights file of a Hugging Face style directory ({@code model.safetensors}, else {@code pytorch_model.bin}). */
    public static Path weightsFile(Path dir) {
        Path st = dir.resolve(WEIGHTS_FILE);
        return Files.isRegularFile(st) ? st : dir.resolve(HfCheckpoints.PYTORCH_FILE);
    }
}
