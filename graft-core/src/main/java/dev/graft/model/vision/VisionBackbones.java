package dev.graft.model.vision;

import dev.graft.util.Arguments;
import dev.graft.model.ModelFileLimits;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.tensor.safetensors.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Building vision backbones with their weights: MobileNetV2 from an ONNX file, ResNet and EfficientNet from a
 * torchvision/timm safetensors checkpoint, and any of them from a backbone directory
 * ({@code backbone.json} naming the architecture, plus {@code model.safetensors} or {@code model.onnx}).
 */
public final class VisionBackbones {

    /** Architecture description inside a backbone directory. */
    public static final String CONFIG = "backbone.json";
    /** Weights inside a backbone directory (safetensors form). */
    public static final String SAFETENSORS = "model.safetensors";
    /** Weights inside a backbone directory (ONNX form). */
    public static final String ONNX = "model.onnx";
    /** The {@code backbone.json} field holding the SHA-256 of the weights file ({@link #weightsFile}). */
    public static final String SHA256_FIELD = "sha256";
    /** Architectures this build knows. */
    public static final List<String> ARCHITECTURES = List.of("mobilenetv2", "resnet18", "resnet34", "resnet50", "efficientnet-b0",
            OnnxGraphBackbone.ARCHITECTURE);
    /** The {@code backbone.json} field naming the graph value of an ONNX file's pooled features. */
    public static final String FEATURES_NODE_FIELD = "features_node";
    /** Architectures whose pretrained weights come as a safetensors checkpoint ({@link #fromCheckpoint}). */
    public static final List<String> CHECKPOINT_ARCHITECTURES = List.of("resnet18", "resnet34", "resnet50", "efficientnet-b0");

    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT).build();

    private VisionBackbones() {
    }

    /** MobileNetV2 with architecture and weights (the ImageNet classifier included) from an ONNX file. */
    public static MobileNetV2 mobileNetV2FromOnnx(Path onnx, NDManager manager) {
        try {
            MobileNetV2Onnx.Imported imp = MobileNetV2Onnx.read(OnnxGraph.read(onnx));
            MobileNetV2 m = new MobileNetV2(imp.spec());
            m.initialize(manager);
            VisionWeights.load(m, imp.weights(), n -> false);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read ONNX model " + onnx + ": " + e.getMessage(), e);
        }
    }

    /** A ResNet of {@code spec} with weights from a torchvision or timm safetensors checkpoint. */
    public static ResNet resNetFromSafetensors(Path file, ResNetSpec spec, NDManager manager) {
        ResNet r = new ResNet(spec);
        r.initialize(manager);
        VisionWeights.load(r, readAll(file), ResNet::ignoredCheckpointEntry);
        return r;
    }

    /** An EfficientNet of {@code spec} with weights from a timm or torchvision safetensors checkpoint. */
    public static EfficientNet efficientNetFromSafetensors(Path file, EfficientNetSpec spec, NDManager manager) {
        EfficientNet e = new EfficientNet(spec);
        e.initialize(manager);
        EfficientNetWeights.load(e, readAll(file));
        return e;
    }

    /**
     * A backbone of a published architecture ({@link #CHECKPOINT_ARCHITECTURES}) with weights from a torchvision or
     * timm checkpoint: safetensors, or a torch zip ({@code pytorch_model.bin}, {@code .pth}) read without executing
     * pickle. A ResNet takes the width of the checkpoint's stem; every tensor's name and shape is checked.
     */
    public static VisionBackbone fromCheckpoint(String architecture, Path file, NDManager manager) {
        String arch = architecture.toLowerCase(Locale.ROOT);
        if (!CHECKPOINT_ARCHITECTURES.contains(arch)) {
            throw new IllegalArgumentException("No checkpoint architecture '" + architecture + "'; this Graft knows "
                    + CHECKPOINT_ARCHITECTURES + " (MobileNetV2 comes as ONNX: " + Arguments.name("ImageBackbone.importOnnx") + ").");
        }
        Map<String, TensorData> tensors = readAll(file);
        if (arch.equals("efficientnet-b0")) {
            EfficientNet e = new EfficientNet(EfficientNetSpec.b0());
            e.initialize(manager);
            EfficientNetWeights.load(e, tensors);
            return e;
        }
        ResNet r = new ResNet(ImageCheckpoints.resNetSpec(arch, tensors));
        r.initialize(manager);
        VisionWeights.load(r, tensors, ResNet::ignoredCheckpointEntry);
        return r;
    }

    /** Whether {@code dir} is a vision backbone directory. */
    public static boolean isBackboneDirectory(Path dir) {
        Path cfg = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfg)) {
            return false;
        }
        try {
            return ARCHITECTURES.contains(ModelFileLimits.readJson(cfg, MAPPER).path("architecture").asText("").toLowerCase(Locale.ROOT));
        } catch (IOException e) {
            return false;
        }
    }

    /** The weights file of a backbone directory (safetensors preferred). */
    public static Path weightsFile(Path dir) {
        Path st = dir.resolve(SAFETENSORS);
        return Files.isRegularFile(st) ? st : dir.resolve(ONNX);
    }

    /** Loads the backbone stored in {@code dir}. */
    public static VisionBackbone load(Path dir, NDManager manager) {
        try {
            JsonNode cfg = ModelFileLimits.readJson(dir.resolve(CONFIG), MAPPER);
            String arch = cfg.path("architecture").asText("").toLowerCase(Locale.ROOT);
            Path st = dir.resolve(SAFETENSORS);
            switch (arch) {
                case "mobilenetv2" -> {
                    if (!Files.isRegularFile(st)) {
                        return mobileNetV2FromOnnx(dir.resolve(ONNX), manager);
                    }
                    MobileNetV2Spec spec = MAPPER.treeToValue(cfg.get("spec"), MobileNetV2Spec.class);
                    MobileNetV2 m = new MobileNetV2(spec);
                    m.initialize(manager);
                    VisionWeights.load(m, readAll(st), n -> false);
                    return m;
                }
                case "resnet18", "resnet34", "resnet50" -> {
                    ResNetSpec spec = cfg.has("spec") ? MAPPER.treeToValue(cfg.get("spec"), ResNetSpec.class)
                            : ImageCheckpoints.resNetSpec(arch, Map.of());
                    return resNetFromSafetensors(st, spec, manager);
                }
                case "efficientnet-b0" -> {
                    EfficientNetSpec spec = cfg.has("spec") ? MAPPER.treeToValue(cfg.get("spec"), EfficientNetSpec.class)
                            : EfficientNetSpec.b0();
                    return efficientNetFromSafetensors(st, spec, manager);
                }
                case OnnxGraphBackbone.ARCHITECTURE -> {
                    if (!cfg.path("spec").isObject()) {
                        throw new IllegalArgumentException(dir.resolve(CONFIG) + " names architecture onnx but has no spec"
                                + " (featuresNode, featureDim): import the ONNX file again");
                    }
                    return new OnnxGraphBackbone(MAPPER.treeToValue(cfg.get("spec"), OnnxGraphBackbone.Spec.class));
                }
                default -> throw new IllegalArgumentException(dir.resolve(CONFIG) + " names architecture '" + arch
                        + "'; this Graft knows " + ARCHITECTURES + ".");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read backbone " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code model.safetensors} (parameters and buffers) and {@code backbone.json} into {@code dir}; the
     * latter records the weights' SHA-256 ({@value #SHA256_FIELD}), which {@code ImageBackbone.open} checks on every use.
     *
     * @return the SHA-256 of the weights written
     */
    public static String save(VisionBackbone backbone, Path dir, Map<String, String> extra) throws IOException {
        SafeTensors.write(dir.resolve(SAFETENSORS), VisionWeights.export(backbone, true), Map.of("format", "pt"));
        String sha = dev.graft.util.Hashes.sha256(dir.resolve(SAFETENSORS));
        ObjectNode n = MAPPER.createObjectNode();
        n.put("architecture", backbone.architecture());
        n.put("feature_dim", backbone.featureDim());
        n.set("spec", MAPPER.valueToTree(backbone.spec()));
        extra.forEach(n::put);
        n.put(SHA256_FIELD, sha);
        Files.writeString(dir.resolve(CONFIG), MAPPER.writeValueAsString(n));
        return sha;
    }

    /** Writes only {@code backbone.json} for an architecture whose weights are an ONNX file in the same directory. */
    public static void writeOnnxConfig(Path dir, String architecture, Map<String, String> extra) throws IOException {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("architecture", architecture);
        extra.forEach(n::put);
        Files.writeString(dir.resolve(CONFIG), MAPPER.writeValueAsString(n));
    }

    /**
     * The graph value holding the pooled features of the ONNX file in backbone directory {@code dir}, when its
     * {@code backbone.json} records one ({@value #FEATURES_NODE_FIELD}, or the spec of an {@link OnnxGraphBackbone});
     * empty for a MobileNetV2 recognised by its structure.
     */
    public static java.util.Optional<String> featuresNode(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            return java.util.Optional.empty();
        }
        try {
            JsonNode cfg = ModelFileLimits.readJson(dir.resolve(CONFIG), MAPPER);
            String node = cfg.path(FEATURES_NODE_FIELD).asText(cfg.path("spec").path("featuresNode").asText(""));
            return node.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(node);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + dir.resolve(CONFIG) + ": " + e.getMessage(), e);
        }
    }

    /** Writes only {@code backbone.json} for an ONNX graph Graft uses up to its features node ({@link OnnxGraphBackbone}). */
    public static void writeOnnxConfig(Path dir, OnnxGraphBackbone.Spec spec, Map<String, String> extra) throws IOException {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("architecture", OnnxGraphBackbone.ARCHITECTURE);
        n.put("feature_dim", spec.featureDim());
        n.set("spec", MAPPER.valueToTree(spec));
        extra.forEach(n::put);
        Files.writeString(dir.resolve(CONFIG), MAPPER.writeValueAsString(n));
    }

    /** A field of a backbone directory's {@code backbone.json}, or {@code dflt}. */
    public static String configField(Path dir, String field, String dflt) {
        try {
            return ModelFileLimits.readJson(dir.resolve(CONFIG), MAPPER).path(field).asText(dflt);
        } catch (IOException e) {
            return dflt;
        }
    }

    private static Map<String, TensorData> readAll(Path file) {
        return ImageCheckpoints.read(file);
    }
}
