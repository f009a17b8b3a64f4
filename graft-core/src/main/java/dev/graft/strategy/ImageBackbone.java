package dev.graft.strategy;

import ai.djl.Device;
import dev.graft.util.Arguments;
import ai.djl.ndarray.NDManager;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.MobileNetV2Onnx;
import dev.graft.model.vision.MobileNetV2Spec;
import dev.graft.model.vision.OnnxGraphBackbone;
import dev.graft.model.vision.VisionBackbone;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.model.BackboneDirectory;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.util.FileChecksums;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A pretrained image backbone stored in a directory ({@code backbone.json}, weights as
 * {@code model.onnx} or {@code model.safetensors}, {@code preprocessor_config.json}), e.g. written
 * by {@code graft models import} or {@link #importCheckpoint}.
 *
 * @param id            model id (e.g. {@code mobilenetv2})
 * @param directory     the directory
 * @param sha256        checksum of the weights file
 * @param license       licence of the weights
 * @param source        where the weights came from
 * @param preprocessing the input preprocessing the backbone expects
 */
public record ImageBackbone(String id, Path directory, String sha256, String license, String source,
                            PreprocessorConfig preprocessing) {

    /**
     * Reads a backbone directory. The weights are hashed (once per process while unchanged, see
     * {@link FileChecksums}) and must match the SHA-256 its {@code backbone.json} records, if it records one.
     *
     * @throws IllegalArgumentException if it is not a backbone directory or its weights were changed or corrupted
     */
    public static ImageBackbone open(Path dir) {
        checksumMismatch(dir).ifPresent(problem -> {
            throw new IllegalArgumentException("Image backbone " + dir + " was changed or corrupted after it was written: " + problem
                    + ". Import it again (graft models import), or delete the directory if Graft created it (a checkpoint"
                    + " given as ARCH:FILE or a -random variant is then recreated on next use).");
        });
        return read(dir);
    }

    /**
     * Why the weights of backbone directory {@code dir} differ from the SHA-256 its {@code backbone.json} records;
     * empty when they match or when nothing is recorded (directories imported before Graft recorded it).
     */
    static Optional<String> checksumMismatch(Path dir) {
        if (!VisionBackbones.isBackboneDirectory(dir)) {
            return Optional.empty();
        }
        String recorded = VisionBackbones.configField(dir, VisionBackbones.SHA256_FIELD, "");
        Path weights = VisionBackbones.weightsFile(dir);
        if (recorded.isEmpty() || !Files.isRegularFile(weights)) {
            return Optional.empty();
        }
        try {
            String actual = FileChecksums.sha256(weights);
            return actual.equals(recorded) ? Optional.empty()
                    : Optional.of(weights + " has SHA-256 " + actual + " but " + VisionBackbones.CONFIG + " records " + recorded);
        } catch (IOException e) {
            return Optional.of(weights + " cannot be read (" + e.getMessage() + ")");
        }
    }

    private static ImageBackbone read(Path dir) {
        if (!VisionBackbones.isBackboneDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not an image backbone directory (no " + VisionBackbones.CONFIG
                    + " naming one of " + VisionBackbones.ARCHITECTURES + "). Create one with " + Arguments.name("ImageBackbone.importOnnx") + " (ImageNet preprocessing) or "
                    + Arguments.name("ImageBackbone.importCheckpoint") + " (e.g. efficientnet-b0 safetensors).");
        }
        try {
            Path weights = VisionBackbones.weightsFile(dir);
            Path pre = dir.resolve(PreprocessorConfig.FILE);
            PreprocessorConfig p = Files.isRegularFile(pre) ? PreprocessorConfig.read(pre) : PreprocessorConfig.imagenet();
            return new ImageBackbone(VisionBackbones.configField(dir, "id", VisionBackbones.configField(dir, "architecture", "?")),
                    dir.toAbsolutePath(), FileChecksums.sha256(weights), VisionBackbones.configField(dir, "license", "unknown"),
                    VisionBackbones.configField(dir, "source", weights.toString()), p);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read backbone " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Where {@code graft models import} puts named image backbones: {@code GRAFT_HOME/models/vision}. */
    public static Path importedModels() {
        return dev.graft.util.GraftHome.models().resolve("vision");
    }

    /**
     * The image backbones registered under {@link #importedModels()} (by {@code graft models import} or a
     * {@code ARCH:FILE} reference), sorted by name; folders that are not readable backbones are left out.
     */
    public static java.util.List<ImageBackbone> listImported() {
        Path root = importedModels();
        if (!Files.isDirectory(root)) {
            return java.util.List.of();
        }
        try (java.util.stream.Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> !d.getFileName().toString().startsWith(".") && VisionBackbones.isBackboneDirectory(d))
                    .sorted()
                    .map(d -> {
                        try {
                            return open(d);
                        } catch (RuntimeException unreadable) {
                            return null;
                        }
                    })
                    .filter(java.util.Objects::nonNull)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the imported image models in " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Resolves a model reference: {@code ARCH:FILE} (a torchvision/timm safetensors checkpoint of one of
     * {@link VisionBackbones#CHECKPOINT_ARCHITECTURES}, imported on first use), a backbone directory, a Hub image model
     * {@code hf:org/name[@revision]} ({@link HubImageBackbones}: pulled unless cached, imported once), or a name
     * registered with {@code graft models import} (e.g. {@code mobilenetv2}) under {@link #importedModels()}.
     */
    public static ImageBackbone resolve(String model) {
        var checkpoint = parseCheckpointReference(model);
        if (checkpoint.isPresent()) {
            try {
                return ofCheckpoint(checkpoint.get().getKey(), checkpoint.get().getValue(), importedModels());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot import checkpoint " + checkpoint.get().getValue() + " (" + Arguments.name("model") + " "
                        + model + "): " + e.getMessage(), e);
            }
        }
        Path p = Path.of(model);
        if (Files.isDirectory(p)) {
            return open(p);
        }
        if (dev.graft.model.hub.RepoRef.isHubReference(model)) {
            return HubImageBackbones.resolve(dev.graft.model.hub.RepoRef.parse(model),
                    dev.graft.model.hub.HubSettings.fromEnvironment(), importedModels(), dev.graft.util.Progress.NONE);
        }
        Path named = importedModels().resolve(model.toLowerCase(Locale.ROOT));
        if (Files.isDirectory(named)) {
            return open(named);
        }
        throw new IllegalArgumentException("No image model '" + model + "'. Import one first, e.g. with " + Arguments.name("ImageBackbone.importOnnx")
                + " from mobilenetv2-12-dequantized-fp32.onnx with ImageNet preprocessing (registers the name mobilenetv2),"
                + " pass a backbone directory, or a safetensors checkpoint as ARCH:FILE with ARCH one of "
                + VisionBackbones.CHECKPOINT_ARCHITECTURES + " (e.g. efficientnet-b0:b0.safetensors).");
    }

    /**
     * Writes a backbone directory at {@code target} (atomically) from a torchvision or timm safetensors checkpoint of a
     * published architecture ({@link VisionBackbones#CHECKPOINT_ARCHITECTURES}). The checkpoint is loaded first, so
     * a wrong architecture or a damaged file is refused before anything is written; the weights are stored under
     * Graft's names ({@code model.safetensors}), with {@code backbone.json} and {@code preprocessor_config.json}.
     *
     * @param id      the name recorded as the backbone's id
     * @param license the weights' licence, recorded in provenance
     */
    public static ImageBackbone importCheckpoint(String architecture, Path checkpoint, Path target, String id, String license,
                                                 PreprocessorConfig preprocessing) throws IOException {
        return importCheckpoint(architecture, checkpoint, target, id, license, preprocessing,
                checkpoint.toAbsolutePath().toString(), Map.of());
    }

    /**
     * {@link #importCheckpoint(String, Path, Path, String, String, PreprocessorConfig)} recording {@code source} as
     * where the weights came from and {@code extra} fields in {@code backbone.json}.
     */
    static ImageBackbone importCheckpoint(String architecture, Path checkpoint, Path target, String id, String license,
                                          PreprocessorConfig preprocessing, String source, Map<String, String> extra)
            throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException("Checkpoint " + checkpoint + " does not exist.");
        }
        String arch = architecture.toLowerCase(Locale.ROOT);
        String sha = Hashes.sha256(checkpoint);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            VisionBackbone net = VisionBackbones.fromCheckpoint(arch, checkpoint, manager);
            Files.createDirectories(target.toAbsolutePath().getParent());
            OwnedDirectory.write(target, BackboneDirectory.KIND, staging -> {
                Map<String, String> fields = new LinkedHashMap<>();
                fields.put("id", id);
                fields.put("license", license);
                fields.put("source", source);
                fields.put("source_sha256", sha);
                fields.putAll(extra);
                VisionBackbones.save(net, staging, fields);
                preprocessing.write(staging.resolve(PreprocessorConfig.FILE));
            });
        }
        return open(target);
    }

    /**
     * Writes a backbone directory at {@code target} (atomically) from an ONNX MobileNetV2. The graph is read and its
     * architecture checked first, so another network or a damaged file is refused before anything is written; the file
     * is copied as {@code model.onnx} (its SHA-256 recorded, of the copy's bytes), with {@code backbone.json} and
     * {@code preprocessor_config.json}.
     *
     * @param id      the name recorded as the backbone's id
     * @param license the weights' licence, recorded in provenance
     * @return the imported architecture
     */
    public static MobileNetV2Spec importOnnx(Path onnx, Path target, String id, String license, PreprocessorConfig preprocessing)
            throws IOException {
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalArgumentException("ONNX file " + onnx + " does not exist.");
        }
        MobileNetV2Spec spec = MobileNetV2Onnx.read(OnnxGraph.read(onnx)).spec();
        OwnedDirectory.write(target, BackboneDirectory.KIND, staging -> {
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("id", id);
            extra.put("license", license);
            extra.put("source", onnx.toAbsolutePath().toString());
            extra.put(VisionBackbones.SHA256_FIELD, Hashes.copy(onnx, staging.resolve(VisionBackbones.ONNX)));
            VisionBackbones.writeOnnxConfig(staging, "mobilenetv2", extra);
            preprocessing.write(staging.resolve(PreprocessorConfig.FILE));
        });
        return spec;
    }

    /**
     * Writes a backbone directory at {@code target} (atomically) from any ONNX image model, read at
     * {@code featuresNode} (a graph value, or a node whose first output is used) holding its pooled features: frozen
     * features then come from ONNX Runtime with that value made a graph output. The width is measured by running the
     * graph once on a blank image of the preprocessing's size, before anything is written. A MobileNetV2 whose pooled
     * features are that value stays fine-tunable (Graft rebuilds it in Java); any other graph is recorded as
     * {@link OnnxGraphBackbone#ARCHITECTURE}, for feature extraction only.
     *
     * @return the imported backbone
     * @throws IllegalArgumentException naming the node when the graph has none of that name, or its value is not float
     */
    public static ImageBackbone importOnnx(Path onnx, String featuresNode, Path target, String id, String license,
                                           PreprocessorConfig preprocessing) throws IOException {
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalArgumentException("ONNX file " + onnx + " does not exist.");
        }
        OnnxGraph graph = OnnxGraph.read(onnx);
        String value = dev.graft.model.vision.OnnxFeatureExtractor.featureValue(graph, featuresNode, onnx);
        int dim;
        try (var fx = dev.graft.model.vision.OnnxFeatureExtractor.open(onnx, value, 1)) {
            int h = preprocessing.outputHeight();
            int w = preprocessing.outputWidth();
            dim = fx.features(new float[3 * h * w], 1, h, w)[0].length;
        }
        String architecture = OnnxGraphBackbone.ARCHITECTURE;
        try {
            if (MobileNetV2Onnx.read(graph).featureValue().equals(value)) {
                architecture = "mobilenetv2";
            }
        } catch (IOException | RuntimeException notAMobileNetV2) {
            // feature extraction only
        }
        String arch = architecture;
        OwnedDirectory.write(target, BackboneDirectory.KIND, staging -> {
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("id", id);
            extra.put("license", license);
            extra.put("source", onnx.toAbsolutePath().toString());
            extra.put(VisionBackbones.FEATURES_NODE_FIELD, value);
            extra.put(VisionBackbones.SHA256_FIELD, Hashes.copy(onnx, staging.resolve(VisionBackbones.ONNX)));
            if (arch.equals(OnnxGraphBackbone.ARCHITECTURE)) {
                VisionBackbones.writeOnnxConfig(staging, new OnnxGraphBackbone.Spec(value, dim), extra);
            } else {
                extra.put("feature_dim", Integer.toString(dim));
                VisionBackbones.writeOnnxConfig(staging, arch, extra);
            }
            preprocessing.write(staging.resolve(PreprocessorConfig.FILE));
        });
        return open(target);
    }

    /**
     * The backbone for {@code --model ARCH:FILE}: the checkpoint is imported once into
     * {@code models/ARCH-<first 12 hex digits of its SHA-256>} (ImageNet preprocessing, licence unknown) and that
     * directory is reused while the file is unchanged.
     */
    public static ImageBackbone ofCheckpoint(String architecture, Path checkpoint, Path models) throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException("Checkpoint " + checkpoint + " (from " + Arguments.name("model") + " " + architecture + ":" + checkpoint
                    + ") does not exist.");
        }
        String arch = architecture.toLowerCase(Locale.ROOT);
        Path dir = models.resolve(arch + "-" + Hashes.sha256(checkpoint).substring(0, 12));
        if (VisionBackbones.isBackboneDirectory(dir) && Files.isRegularFile(dir.resolve(VisionBackbones.SAFETENSORS))
                && checksumMismatch(dir).isEmpty()) { // else imported again from the checkpoint
            return open(dir);
        }
        return importCheckpoint(arch, checkpoint, dir, arch, "unknown", PreprocessorConfig.imagenet());
    }

    /**
     * Splits {@code ARCH:FILE} (e.g. {@code efficientnet-b0:/models/b0.safetensors}) into architecture and file when
     * ARCH is one of {@link VisionBackbones#CHECKPOINT_ARCHITECTURES}; empty otherwise.
     */
    public static java.util.Optional<Map.Entry<String, Path>> parseCheckpointReference(String model) {
        int colon = model.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String arch = model.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!VisionBackbones.CHECKPOINT_ARCHITECTURES.contains(arch)) {
            return Optional.empty();
        }
        return Optional.of(Map.entry(arch, Path.of(model.substring(colon + 1))));
    }

    /**
     * This backbone fed {@code size × size} images instead of its own size (see {@link PreprocessorConfig#withImageSize}).
     *
     * @throws IllegalArgumentException when {@code size} is below {@link PreprocessorConfig#MIN_IMAGE_SIZE}
     */
    public ImageBackbone withImageSize(int size) {
        return new ImageBackbone(id, directory, sha256, license, source, preprocessing.withImageSize(size));
    }

    /** Suffix of a backbone name that asks for {@link #randomInit()}. */
    public static final String RANDOM_SUFFIX = "-random";

    /** Published architectures that {@link #randomArchitecture} builds without any pretrained weights. */
    public static final java.util.List<String> RANDOM_ARCHITECTURES = java.util.List.of("resnet18", "resnet50", "efficientnet-b0");

    /**
     * The same architecture and preprocessing with freshly initialised weights (DJL's initialisers,
     * BatchNorm at scale 1, shift 0, running mean 0, variance 1; seed 42), written once under
     * {@code GRAFT_HOME} as a safetensors backbone directory: the baseline that measures what the
     * pretrained weights are worth.
     */
    public synchronized ImageBackbone randomInit() {
        Path dir = dev.graft.util.GraftHome.models().resolve("vision-random").resolve(sha256.substring(0, 16) + "-seed42");
        if (!VisionBackbones.isBackboneDirectory(dir) || checksumMismatch(dir).isPresent()) { // created, or created again
            Object spec;
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                spec = load(manager).spec();
            }
            writeRandom(dir, spec, id + RANDOM_SUFFIX, license, "random initialisation (seed 42) of the architecture of " + id,
                    preprocessing);
        }
        ImageBackbone r = open(dir);
        return new ImageBackbone(r.id(), r.directory(), r.sha256(), r.license(), r.source(), preprocessing);
    }

    /**
     * A published architecture ({@link #RANDOM_ARCHITECTURES}) with freshly initialised weights (as {@link #randomInit})
     * and ImageNet preprocessing, written once under {@code GRAFT_HOME}: the random-init baseline of an architecture
     * whose pretrained weights the user does not have.
     *
     * @throws IllegalArgumentException naming the known architectures
     */
    public static synchronized ImageBackbone randomArchitecture(String architecture) {
        String arch = architecture.toLowerCase(Locale.ROOT);
        Object spec = switch (arch) {
            case "resnet18" -> dev.graft.model.vision.ResNetSpec.resnet18();
            case "resnet50" -> dev.graft.model.vision.ResNetSpec.resnet50();
            case "efficientnet-b0" -> dev.graft.model.vision.EfficientNetSpec.b0();
            default -> throw new IllegalArgumentException("No random initialisation of architecture '" + architecture + "'; this"
                    + " Graft builds " + RANDOM_ARCHITECTURES + " (" + Arguments.name("model") + " ARCH" + RANDOM_SUFFIX + ").");
        };
        Path dir = dev.graft.util.GraftHome.models().resolve("vision-random").resolve(arch + "-seed42");
        if (!VisionBackbones.isBackboneDirectory(dir) || checksumMismatch(dir).isPresent()) {
            writeRandom(dir, spec, arch + RANDOM_SUFFIX, "none (random weights)", "random initialisation (seed 42) of " + arch,
                    PreprocessorConfig.imagenet());
        }
        return open(dir);
    }

    /** Writes a backbone directory of architecture {@code spec} with weights initialised from seed 42. */
    private static void writeRandom(Path dir, Object spec, String id, String license, String source, PreprocessorConfig preprocessing) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(42);
            VisionBackbone random;
            if (spec instanceof MobileNetV2Spec s) {
                random = new dev.graft.model.vision.MobileNetV2(s);
            } else if (spec instanceof dev.graft.model.vision.ResNetSpec s) {
                random = new dev.graft.model.vision.ResNet(s);
            } else if (spec instanceof dev.graft.model.vision.EfficientNetSpec s) {
                random = new dev.graft.model.vision.EfficientNet(s);
            } else {
                throw new IllegalArgumentException("no random initialisation for architecture " + spec);
            }
            random.initialize(manager);
            Files.createDirectories(dir.toAbsolutePath().getParent());
            OwnedDirectory.write(dir, BackboneDirectory.KIND, staging -> {
                VisionBackbones.save(random, staging, Map.of("id", id, "license", license, "source", source));
                preprocessing.write(staging.resolve(PreprocessorConfig.FILE));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the random-initialised backbone " + id + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The ONNX file that computes this backbone's frozen features, when the directory has one and it was imported for
     * this input size (the crop of the directory's own {@code preprocessor_config.json}); empty otherwise — e.g. after
     * {@code --image-size} changed the crop of a fixed-size ONNX export — and the DJL module runs instead.
     */
    public Optional<Path> onnxFeatures() {
        Path onnx = directory.resolve(VisionBackbones.ONNX);
        if (!Files.isRegularFile(onnx)) {
            return Optional.empty();
        }
        Path stored = directory.resolve(PreprocessorConfig.FILE);
        PreprocessorConfig imported;
        try {
            imported = Files.isRegularFile(stored) ? PreprocessorConfig.read(stored) : PreprocessorConfig.imagenet();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + stored + ": " + e.getMessage(), e);
        }
        boolean sameSize = imported.cropHeight() == preprocessing.cropHeight() && imported.cropWidth() == preprocessing.cropWidth();
        if (!sameSize && OnnxGraphBackbone.ARCHITECTURE.equals(VisionBackbones.configField(directory, "architecture", ""))) {
            throw new IllegalArgumentException("Image backbone " + id + " is an ONNX graph imported for " + imported.cropHeight()
                    + "x" + imported.cropWidth() + " inputs, which Graft cannot run at " + preprocessing.cropHeight() + "x"
                    + preprocessing.cropWidth() + ": leave " + Arguments.name("imageSize") + " out.");
        }
        return sameSize ? Optional.of(onnx) : Optional.empty();
    }

    /** Builds the DJL module with the pretrained weights (a stand-in without weights for an ONNX-only graph). */
    public VisionBackbone load(NDManager manager) {
        return VisionBackbones.load(directory, manager);
    }

    /**
     * {@link #load} for training the backbone itself.
     *
     * @throws IllegalArgumentException for an ONNX graph Graft cannot rebuild in Java (feature extraction only)
     */
    public VisionBackbone loadTrainable(NDManager manager) {
        VisionBackbone b = load(manager);
        if (b instanceof OnnxGraphBackbone) {
            throw new IllegalArgumentException("Image backbone " + id + " (" + directory + "): " + OnnxGraphBackbone.notRunnable()
                    .getMessage());
        }
        return b;
    }
}
