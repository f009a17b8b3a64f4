package dev.graft.model.text;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertConfigInference;
import dev.graft.model.bert.BertModel;
import dev.graft.model.BackboneDirectory;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.util.GraftHome;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Variants of a pretrained text model that model-selection tools compare it with, named by a suffix:
 * <ul>
 *   <li>{@code NAME-random}: the same architecture and tokenizer with freshly initialised weights
 *       (BERT's own initialisation: N(0, 0.02) weights, zero biases, unit LayerNorm scales; seed
 *       {@value #RANDOM_SEED}). What the pretrained weights are worth is measured against it: the
 *       principled negative-transfer baseline.</li>
 *   <li>{@code NAME-cls}: the same weights with [CLS]-token pooling instead of the model's own
 *       pooling (a different, usually weaker, sentence representation of one checkpoint).</li>
 * </ul>
 * The random model is written once (atomically) under {@link GraftHome#models()} as a safetensors
 * backbone directory, so every tool, cache and saved model treats it as an ordinary model.
 */
public final class TextModelVariants {

    /** Suffix of the random-initialisation variant. */
    public static final String RANDOM_SUFFIX = "-random";
    /** Suffix of the [CLS]-pooling variant. */
    public static final String CLS_SUFFIX = "-cls";
    /** Seed of the random initialisation (fixed, so every run compares against the same weights). */
    public static final long RANDOM_SEED = 42;

    private TextModelVariants() {
    }

    /** The variant {@code name} denotes, if it is {@code BASE-random} or {@code BASE-cls} of a resolvable base. */
    static Optional<TextModelSpec> resolve(String name, java.util.function.Function<String, TextModelSpec> base) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(RANDOM_SUFFIX) && lower.length() > RANDOM_SUFFIX.length()) {
            return Optional.of(randomInit(base.apply(name.substring(0, name.length() - RANDOM_SUFFIX.length()))));
        }
        if (lower.endsWith(CLS_SUFFIX) && lower.length() > CLS_SUFFIX.length()) {
            return Optional.of(withPooling(base.apply(name.substring(0, name.length() - CLS_SUFFIX.length())), Pooling.CLS));
        }
        return Optional.empty();
    }

    /** The same model with another pooling. */
    public static TextModelSpec withPooling(TextModelSpec base, Pooling pooling) {
        return new TextModelSpec(base.id(), base.directory(), base.sha256(), base.maxLength(), pooling, base.license(), base.source());
    }

    /**
     * {@code base}'s architecture and tokenizer with random weights (created on first use, and created again when the
     * stored weights no longer match the checksum recorded with them).
     */
    public static synchronized TextModelSpec randomInit(TextModelSpec base) {
        Path dir = GraftHome.models().resolve(base.directory().getFileName() + "-random-seed" + RANDOM_SEED);
        if (Files.isRegularFile(dir.resolve(TextModelSpec.METADATA_FILE)) && TextModels.checksumMismatch(dir).isEmpty()) {
            return TextModels.fromDirectory(dir);
        }
        try {
            BertConfig config = base.hasOnnx() ? BertConfigInference.fromOnnx(OnnxGraph.read(base.onnxFile()))
                    : dev.graft.model.bert.HfCheckpoints.readConfig(base.directory());
            OwnedDirectory.write(dir, BackboneDirectory.KIND, staging -> {
                try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                    Engine.getInstance().setRandomSeed((int) RANDOM_SEED);
                    BertModel model = new BertModel(config, 0f);
                    model.initialize(manager);
                    BertBackbone.save(model, staging);
                }
                SentenceEncoders.copy(base.tokenizerFile(), staging.resolve(TextModelSpec.TOKENIZER_FILE));
                TextModelSpec spec = new TextModelSpec(base.id() + RANDOM_SUFFIX, staging,
                        Hashes.sha256(staging.resolve(BertBackbone.WEIGHTS_FILE)), base.maxLength(), base.pooling(), base.license(),
                        "random initialisation (seed " + RANDOM_SEED + ") of the architecture of " + base.id());
                TextModels.writeMetadata(spec, staging);
            });
            return TextModels.fromDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the random-initialised variant of " + base.id() + " in " + dir + ": "
                    + e.getMessage() + ". Check that GRAFT_HOME points to a writable directory.", e);
        }
    }
}
