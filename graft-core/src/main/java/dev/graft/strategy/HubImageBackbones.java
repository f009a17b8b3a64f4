package dev.graft.strategy;

import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.card.ModelCard;
import dev.graft.model.hub.HubClient;
import dev.graft.model.hub.HubSettings;
import dev.graft.model.hub.ModelFiles;
import dev.graft.model.hub.PulledModel;
import dev.graft.model.hub.RepoRef;
import dev.graft.model.vision.ImageCheckpoints;
import dev.graft.model.vision.TimmConfig;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Image models pulled from the Hugging Face Hub (timm's layout: {@code config.json} with {@code architecture} and
 * {@code pretrained_cfg}, weights as {@code model.safetensors} or {@code pytorch_model.bin}; torchvision state dicts
 * in either file with a config that need not name the architecture) as registered image backbones.
 *
 * <p>A pulled model is imported once into {@code GRAFT_HOME/models/vision/ORG--NAME} (see {@link #registeredName}):
 * weights under Graft's names, the architecture, the preprocessing of its {@code pretrained_cfg} (size, crop, mean,
 * std), the licence of its model card and the commit it came from. {@code --model hf:org/name} and {@code --model
 * org--name} then both train from it; the import is redone when the cache holds another commit.
 */
public final class HubImageBackbones {

    /** The {@code backbone.json} field holding the Hub reference and commit the backbone was imported from. */
    public static final String SOURCE_COMMIT_FIELD = "source_commit";

    private HubImageBackbones() {
    }

    /** Whether the pulled repository is an image model Graft imports (see {@link TimmConfig#isImageModel}). */
    public static boolean isImageModel(PulledModel pulled) throws IOException {
        Path config = pulled.directory().resolve(ModelFiles.CONFIG);
        return Files.isRegularFile(config) && TimmConfig.isImageModel(config);
    }

    /** The name a Hub image model is registered under: {@code org--name}, lower case (a folder name). */
    public static String registeredName(RepoRef ref) {
        return ref.repoId().replace("/", "--").toLowerCase(Locale.ROOT);
    }

    /**
     * The backbone for {@code hf:org/name[@revision]}: pulled through {@code settings} (from the cache without a
     * request when it has the revision) and registered under {@code models}.
     */
    public static ImageBackbone resolve(RepoRef ref, HubSettings settings, Path models, Progress progress) {
        try {
            PulledModel pulled = new HubClient(settings).pull(ref, progress);
            if (!isImageModel(pulled)) {
                throw new IllegalArgumentException(ref + " is a Transformers model (its config.json has model_type), not"
                        + " an image model: use it on text data, or name a timm/torchvision image model");
            }
            return register(pulled, models);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Imports a pulled image model into {@code models/}{@link #registeredName} (reused while it holds the same commit
     * and its weights are unchanged). The weights are loaded and every tensor checked against the architecture
     * before anything is written.
     *
     * @throws IllegalArgumentException naming the file and field or tensor when the config names an architecture
     *                                  Graft cannot build, or a tensor is missing, unknown or mis-shaped
     */
    public static ImageBackbone register(PulledModel pulled, Path models) throws IOException {
        Path dir = pulled.directory();
        String source = RepoRef.PREFIX + pulled.ref().repoId() + "@" + pulled.commit();
        Path target = models.resolve(registeredName(pulled.ref()));
        if (VisionBackbones.isBackboneDirectory(target)
                && source.equals(VisionBackbones.configField(target, SOURCE_COMMIT_FIELD, ""))
                && ImageBackbone.checksumMismatch(target).isEmpty()) {
            return ImageBackbone.open(target);
        }
        Path configFile = dir.resolve(ModelFiles.CONFIG);
        TimmConfig cfg = TimmConfig.read(configFile);
        Path weights = Files.isRegularFile(dir.resolve(ModelFiles.SAFETENSORS)) ? dir.resolve(ModelFiles.SAFETENSORS)
                : dir.resolve(ModelFiles.PYTORCH);
        String arch;
        if (cfg.architecture().isPresent()) {
            arch = ImageCheckpoints.architectureOf(cfg.architecture().get()).orElseThrow(() -> new IllegalArgumentException(
                    configFile + " of " + pulled.ref() + " names architecture '" + cfg.architecture().get() + "', which"
                    + " this Graft cannot build; it builds " + ImageCheckpoints.PUBLISHED_NAMES.keySet() + " (timm and"
                    + " torchvision names). Pick a repository of one of these"));
        } else {
            try {
                arch = ImageCheckpoints.inferArchitecture(ImageCheckpoints.read(weights));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(configFile + " of " + pulled.ref() + " names no architecture and "
                        + weights.getFileName() + " is not recognised: " + e.getMessage(), e);
            }
        }
        PreprocessorConfig pre = new PreprocessorConfig(cfg.resizeShorterSide(), cfg.inputHeight(), cfg.inputWidth(),
                1 / 255.0, true, cfg.mean(), cfg.std());
        Path readme = dir.resolve(ModelFiles.README);
        String license = Files.isRegularFile(readme) ? ModelCard.read(readme).license().orElse("unknown") : "unknown";
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(SOURCE_COMMIT_FIELD, source);
        extra.put("interpolation", cfg.interpolation());
        try {
            return ImageBackbone.importCheckpoint(arch, weights, target, registeredName(pulled.ref()), license, pre, source,
                    extra);
        } catch (dev.graft.model.bert.WeightLoadException e) {
            throw new IllegalArgumentException(weights.getFileName() + " of " + pulled.ref() + " does not fit " + arch
                    + ": " + e.getMessage(), e);
        }
    }
}
