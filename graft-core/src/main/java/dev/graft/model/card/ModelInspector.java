package dev.graft.model.card;

import dev.graft.model.ModelFileLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertConfigInference;
import dev.graft.model.bert.BertWeights;
import dev.graft.model.bert.HfCheckpoint;
import dev.graft.model.bert.HfCheckpoints;
import dev.graft.model.text.TextModelSpec;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.onnx.OnnxGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Summarises a model directory: a Hugging Face checkpoint or a Graft ONNX backbone. */
public final class ModelInspector {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelInspector() {
    }

    /**
     * Summarises a Hugging Face model directory ({@code config.json}, weights, tokenizer files, {@code README.md}).
     *
     * @param id the name to show
     * @throws IOException if the config or weights cannot be read; the message names the file
     */
    public static ModelInfo inspectHf(String id, Path dir) throws IOException {
        HfCheckpoint c = HfCheckpoints.read(dir);
        BertConfig cfg = c.config();
        int maxLength = cfg.maxSequenceLength();
        JsonNode tc = readJson(dir.resolve("tokenizer_config.json"));
        if (tc != null && tc.path("model_max_length").canConvertToInt()) {
            int m = tc.path("model_max_length").intValue();
            if (m > 0 && m < maxLength) {
                maxLength = m;
            }
        }
        String inputs = "input_ids, attention_mask" + (cfg.typeVocabSize() > 1 ? ", token_type_ids" : "")
                + " [batch, tokens] int64";
        String license = null;
        String source = null;
        var card = ModelCard.read(dir.resolve("README.md")).license();
        if (card.isPresent()) {
            license = card.get();
            source = "README.md";
        } else {
            JsonNode conf = readJson(dir.resolve(HfCheckpoints.CONFIG_FILE));
            if (conf != null && conf.hasNonNull("license")) {
                license = conf.get("license").asText();
                source = "config.json";
            }
        }
        return new ModelInfo(id, dir, c.architecture().name() + " (" + c.weightsFile().getFileName() + ")",
                c.parameterCount(), cfg.hiddenSize(), cfg.numLayers(), cfg.numHeads(), maxLength, inputs,
                tokenizer(dir, tc), license, source);
    }

    /** Summarises a Graft backbone directory ({@code model.onnx}, {@code tokenizer.json}, {@code backbone.json}). */
    public static ModelInfo inspectOnnx(TextModelSpec spec) throws IOException {
        OnnxGraph graph = OnnxGraph.read(spec.onnxFile());
        BertConfig cfg = BertConfigInference.fromOnnx(graph);
        long params = 0;
        for (TensorData t : BertWeights.fromOnnx(graph).values()) {
            params += t.data().length;
        }
        return new ModelInfo(spec.id(), spec.directory(), "BERT (ONNX, " + spec.pooling() + " pooling)", params,
                cfg.hiddenSize(), cfg.numLayers(), cfg.numHeads(), spec.maxLength(),
                String.join(", ", graph.inputs()) + " [batch, tokens] int64", tokenizer(spec.directory(), null),
                spec.license(), TextModelSpec.METADATA_FILE);
    }

    private static String tokenizer(Path dir, JsonNode tokenizerConfig) {
        String cls = tokenizerConfig == null ? null : tokenizerConfig.path("tokenizer_class").asText(null);
        String kind;
        JsonNode tj = readJson(dir.resolve("tokenizer.json"));
        if (tj != null) {
            kind = tj.path("model").path("type").asText("unknown") + " (tokenizer.json)";
        } else if (Files.isRegularFile(dir.resolve("vocab.txt"))) {
            kind = "WordPiece (vocab.txt)";
        } else if (Files.isRegularFile(dir.resolve("merges.txt"))) {
            kind = "BPE (vocab.json, merges.txt)";
        } else {
            kind = "none found";
        }
        return cls == null ? kind : kind + ", " + cls;
    }

    private static JsonNode readJson(Path file) {
        try {
            return Files.isRegularFile(file) ? ModelFileLimits.readJson(file, JSON) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
