package dev.graft.model.bert;

import dev.graft.model.ModelFileLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.pickle.TorchCheckpoint;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import dev.graft.tensor.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Hugging Face encoder directory ({@code config.json} and {@code model.safetensors} or
 * {@code pytorch_model.bin}) as a {@link BertConfig} and weights under {@link BertModel}'s names.
 *
 * <pre>{@code
 * HfCheckpoint c = HfCheckpoints.read(snapshotDir);
 * BertModel model = new BertModel(c.config());
 * model.initialize(manager);
 * LoadReport report = HfCheckpoints.load(model, c);   // strict; report.ignored() lists pooler, heads, ...
 * }</pre>
 *
 * <p>Name mapping: BERT strips {@code bert.}, RoBERTa {@code roberta.}; DistilBERT's
 * {@code distilbert.transformer.layer.N.attention.q_lin} becomes {@code encoder.layer.N.attention.self.query}
 * ({@code k_lin} key, {@code v_lin} value, {@code out_lin} attention.output.dense, {@code sa_layer_norm}
 * attention.output.LayerNorm, {@code ffn.lin1} intermediate.dense, {@code ffn.lin2} output.dense,
 * {@code output_layer_norm} output.LayerNorm). TensorFlow-era {@code LayerNorm.gamma/beta} become
 * {@code weight/bias}. Poolers, task heads ({@code classifier}, {@code qa_outputs}, {@code pre_classifier}),
 * language-model heads ({@code cls.}, {@code lm_head.}, {@code vocab_*}) and {@code position_ids} buffers are
 * listed as ignored.
 *
 * <p>DistilBERT has no token-type embeddings: it is given {@code typeVocabSize = 1} and an all-zero
 * {@code embeddings.token_type_embeddings.weight} row, which adds nothing, so token type ids must be 0 (or
 * omitted). RoBERTa gets {@code positionOffset = pad_token_id + 1} (2).
 */
public final class HfCheckpoints {

    /** The config file of a Hugging Face model directory. */
    public static final String CONFIG_FILE = "config.json";
    /** The preferred weights file. */
    public static final String SAFETENSORS_FILE = "model.safetensors";
    /** The PyTorch weights file, read when there is no safetensors file. */
    public static final String PYTORCH_FILE = "pytorch_model.bin";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DISTIL_LAYER = Pattern.compile("^transformer\\.layer\\.(\\d+)\\.(.+)$");
    private static final Map<String, String> DISTIL_MODULES = Map.of(
            "attention.q_lin", "attention.self.query",
            "attention.k_lin", "attention.self.key",
            "attention.v_lin", "attention.self.value",
            "attention.out_lin", "attention.output.dense",
            "sa_layer_norm", "attention.output.LayerNorm",
            "ffn.lin1", "intermediate.dense",
            "ffn.lin2", "output.dense",
            "output_layer_norm", "output.LayerNorm");

    private HfCheckpoints() {
    }

    /**
     * Reads the architecture and weights of a model directory.
     *
     * @throws IOException if {@code config.json} or the weights are absent, malformed or of an unsupported kind;
     *                     the message names the file and what Graft supports
     */
    public static HfCheckpoint read(Path dir) throws IOException {
        JsonNode json = readConfigJson(dir);
        HfArchitecture arch = architecture(json, dir);
        BertConfig config = config(json, arch, dir);
        Path weightsFile = weightsFile(dir);
        Map<String, TensorData> raw = readWeights(weightsFile);
        Map<String, TensorData> mapped = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        for (TensorData t : raw.values()) {
            Optional<String> name = bertName(arch, t.name());
            if (name.isEmpty()) {
                ignored.add(t.name());
            } else if (mapped.put(name.get(), t.renamed(name.get())) != null) {
                throw new IOException(weightsFile + ": two tensors map to '" + name.get()
                        + "'; the checkpoint mixes prefixed and unprefixed names");
            }
        }
        if (arch == HfArchitecture.DISTILBERT) {
            String types = "embeddings.token_type_embeddings.weight";
            mapped.putIfAbsent(types, new TensorData(types, new long[] {1, config.hiddenSize()},
                    new float[config.hiddenSize()]));
        }
        return new HfCheckpoint(arch, config, mapped, ignored, weightsFile);
    }

    /**
     * Strictly loads a checkpoint into an initialised model built from {@code checkpoint.config()}.
     *
     * @return the report, with the checkpoint's ignored tensors
     * @throws WeightLoadException if a parameter is missing, a tensor unexpected or mis-shaped; the report names them
     */
    public static LoadReport load(BertModel model, HfCheckpoint checkpoint) {
        try {
            return BertWeights.load(model, checkpoint.weights()).withIgnored(checkpoint.ignored());
        } catch (WeightLoadException e) {
            throw new WeightLoadException(e.report().withIgnored(checkpoint.ignored()));
        }
    }

    /** Reads {@code config.json} of a model directory as a {@link BertConfig} and its architecture. */
    public static BertConfig readConfig(Path dir) throws IOException {
        JsonNode json = readConfigJson(dir);
        return config(json, architecture(json, dir), dir);
    }

    /** The architecture {@code config.json} of {@code dir} names. */
    public static HfArchitecture readArchitecture(Path dir) throws IOException {
        return architecture(readConfigJson(dir), dir);
    }

    /** {@code model.safetensors} if present, else {@code pytorch_model.bin}. */
    public static Path weightsFile(Path dir) throws IOException {
        Path st = dir.resolve(SAFETENSORS_FILE);
        if (Files.isRegularFile(st)) {
            return st;
        }
        Path bin = dir.resolve(PYTORCH_FILE);
        if (Files.isRegularFile(bin)) {
            return bin;
        }
        boolean sharded = Files.exists(dir.resolve(SAFETENSORS_FILE + ".index.json"))
                || Files.exists(dir.resolve(PYTORCH_FILE + ".index.json"));
        throw new IOException(dir + ": no " + SAFETENSORS_FILE + " or " + PYTORCH_FILE
                + (sharded ? " (the checkpoint is sharded, which Graft does not read yet)" : "")
                + "; a Hugging Face model directory needs one of them");
    }

    /** Reads every float-convertible tensor of a safetensors or PyTorch file under its checkpoint name. */
    public static Map<String, TensorData> readWeights(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".safetensors")) {
            return TorchCheckpoint.read(file);
        }
        Map<String, TensorData> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            for (TensorInfo info : f.infos()) {
                if (info.dtype().convertibleToFloat()) {
                    out.put(info.name(), f.tensor(info.name()));
                } else if (!isBuffer(info.name())) {
                    throw new IOException(file + ": tensor '" + info.name() + "' is " + info.dtype()
                            + ", which is not a float type; Graft loads F32, F16, BF16 and F64 weights");
                }
            }
        }
        return out;
    }

    private static boolean isBuffer(String name) {
        return name.endsWith("position_ids") || name.endsWith("token_type_ids");
    }

    /** The BERT name for a checkpoint tensor, or empty when the encoder has no use for it. */
    static Optional<String> bertName(HfArchitecture arch, String name) {
        if (isBuffer(name)) {
            return Optional.empty();
        }
        String n = name;
        String prefix = arch.modelType().equals("distilbert") ? "distilbert." : arch == HfArchitecture.ROBERTA
                ? "roberta." : "bert.";
        if (n.startsWith(prefix)) {
            n = n.substring(prefix.length());
        }
        if (n.endsWith(".gamma")) {
            n = n.substring(0, n.length() - ".gamma".length()) + ".weight";
        } else if (n.endsWith(".beta")) {
            n = n.substring(0, n.length() - ".beta".length()) + ".bias";
        }
        if (arch == HfArchitecture.DISTILBERT) {
            Matcher m = DISTIL_LAYER.matcher(n);
            if (m.matches()) {
                String rest = m.group(2);
                int dot = rest.lastIndexOf('.');
                String module = dot < 0 ? rest : rest.substring(0, dot);
                String mappedModule = DISTIL_MODULES.get(module);
                return Optional.of("encoder.layer." + m.group(1) + "."
                        + (mappedModule == null ? module : mappedModule) + (dot < 0 ? "" : rest.substring(dot)));
            }
        }
        if (n.startsWith("embeddings.") || n.startsWith("encoder.")) {
            return Optional.of(n);
        }
        return Optional.empty();
    }

    private static JsonNode readConfigJson(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + ": no " + CONFIG_FILE + "; a Hugging Face model directory needs one");
        }
        return ModelFileLimits.readJson(file, JSON); // size checked before reading; must be a JSON object
    }

    private static HfArchitecture architecture(JsonNode json, Path dir) throws IOException {
        String type = json.hasNonNull("model_type") ? json.get("model_type").asText() : null;
        String cls = json.path("architectures").isArray() && json.path("architectures").size() > 0
                ? json.path("architectures").get(0).asText() : null;
        return HfArchitecture.of(type, cls).orElseThrow(() -> new IOException(dir.resolve(CONFIG_FILE)
                + ": model_type '" + type + "' (architectures " + json.path("architectures")
                + ") is not supported; Graft loads bert (including MiniLM), roberta, xlm-roberta and distilbert"));
    }

    private static BertConfig config(JsonNode json, HfArchitecture arch, Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        try {
            if (arch == HfArchitecture.DISTILBERT) {
                requireGelu(json, "activation", file);
                // sinusoidal_pos_embds: Hugging Face stores the table as a regular weight, so it loads as is.
                return new BertConfig(integer(json, "vocab_size", file), integer(json, "dim", file),
                        integer(json, "n_layers", file), integer(json, "n_heads", file),
                        integer(json, "hidden_dim", file), integer(json, "max_position_embeddings", file), 1, 1e-12);
            }
            requireGelu(json, "hidden_act", file);
            String positions = json.path("position_embedding_type").asText("absolute");
            if (!positions.equals("absolute")) {
                throw new IOException(file + ": position_embedding_type '" + positions
                        + "' is not supported; Graft's encoder uses absolute position embeddings");
            }
            int offset = arch == HfArchitecture.ROBERTA ? json.path("pad_token_id").asInt(1) + 1 : 0;
            double eps = json.path("layer_norm_eps").asDouble(arch == HfArchitecture.ROBERTA ? 1e-5 : 1e-12);
            return new BertConfig(integer(json, "vocab_size", file), integer(json, "hidden_size", file),
                    integer(json, "num_hidden_layers", file), integer(json, "num_attention_heads", file),
                    integer(json, "intermediate_size", file), integer(json, "max_position_embeddings", file),
                    json.path("type_vocab_size").asInt(2), eps, offset);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static void requireGelu(JsonNode json, String field, Path file) throws IOException {
        String act = json.path(field).asText("gelu");
        if (!act.equals("gelu")) {
            throw new IOException(file + ": " + field + " '" + act + "' is not supported; Graft's encoder uses the "
                    + "exact (erf) GELU of BERT");
        }
    }

    private static int integer(JsonNode json, String field, Path file) throws IOException {
        JsonNode v = json.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IOException(file + ": field '" + field + "' should be an integer, got " + v);
        }
        return v.intValue();
    }
}
