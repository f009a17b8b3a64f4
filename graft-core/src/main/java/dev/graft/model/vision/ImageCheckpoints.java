package dev.graft.model.vision;

import dev.graft.tensor.TensorData;
import dev.graft.tensor.pickle.TorchCheckpoint;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.tensor.safetensors.SafeTensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Published image checkpoints (timm and torchvision) mapped onto Graft's architectures: which architecture a
 * published name or a state dict is, and its tensors read from either file format. Nothing is executed: a
 * {@code pytorch_model.bin}/{@code .pth} goes through {@link TorchCheckpoint}'s restricted unpickler.
 *
 * <p>The name mapping, as a table (left: checkpoint names; right: Graft's module names):
 * <pre>
 * layout                      checkpoint names                           Graft names
 * ResNet, timm = torchvision  conv1, bn1, layer{s}.{b}.conv{k}/bn{k},     the same (ResNet uses torchvision's names)
 *                             layer{s}.0.downsample.{0,1}
 * ResNet classifier           fc.weight, fc.bias                          ignored (the ImageNet head)
 * EfficientNet, timm          conv_stem, bn1, blocks.s.b..., conv_head    the same (EfficientNet uses timm's names)
 * EfficientNet, torchvision   features.i.j.block.k...                     renamed by {@link EfficientNetWeights}
 * every layout                *.num_batches_tracked                       ignored (a BatchNorm step counter)
 * </pre>
 * Any other name is refused by {@link VisionWeights#load} naming it, as is any missing or mis-shaped tensor.
 */
public final class ImageCheckpoints {

    /** Published architecture names (timm's and torchvision's, without a timm tag) → Graft's architecture. */
    public static final Map<String, String> PUBLISHED_NAMES = Map.of(
            "resnet18", "resnet18",
            "resnet34", "resnet34",
            "resnet50", "resnet50",
            "efficientnet_b0", "efficientnet-b0",
            "efficientnet-b0", "efficientnet-b0");

    /** The ResNet depths: architecture → its spec at the published width. */
    private static final Map<String, ResNetSpec> RESNETS = Map.of(
            "resnet18", ResNetSpec.resnet18(),
            "resnet34", ResNetSpec.resnet34(),
            "resnet50", ResNetSpec.resnet50());

    private ImageCheckpoints() {
    }

    /**
     * Graft's architecture for a published name: timm's {@code resnet50} or {@code resnet50.a1_in1k} (the tag after
     * the dot is a weight set, not an architecture), torchvision's {@code efficientnet_b0}.
     *
     * @return empty when this Graft has no such architecture (e.g. timm's {@code tf_efficientnet_b0}, whose
     *         TensorFlow "same" padding Graft's EfficientNet does not reproduce)
     */
    public static Optional<String> architectureOf(String publishedName) {
        String n = publishedName.trim().toLowerCase(Locale.ROOT);
        int dot = n.indexOf('.');
        return Optional.ofNullable(PUBLISHED_NAMES.get(dot > 0 ? n.substring(0, dot) : n));
    }

    /**
     * The architecture a state dict holds, recognised from its names: a ResNet by its blocks per stage and block
     * type ({@code layer1.0.conv3} only in bottleneck blocks), an EfficientNet-B0 by its stem.
     *
     * @throws IllegalArgumentException naming what was looked for when the names fit no known architecture
     */
    public static String inferArchitecture(Map<String, TensorData> tensors) {
        if (tensors.containsKey("conv_stem.weight") || tensors.containsKey("features.0.0.weight")) {
            return "efficientnet-b0";
        }
        if (tensors.containsKey("conv1.weight") && tensors.containsKey("layer1.0.conv1.weight")) {
            boolean bottleneck = tensors.containsKey("layer1.0.conv3.weight");
            int[] blocks = new int[4];
            for (int s = 0; s < 4; s++) {
                while (tensors.containsKey("layer" + (s + 1) + "." + blocks[s] + ".conv1.weight")) {
                    blocks[s]++;
                }
            }
            List<Integer> layers = List.of(blocks[0], blocks[1], blocks[2], blocks[3]);
            for (Map.Entry<String, ResNetSpec> e : RESNETS.entrySet()) {
                if (e.getValue().bottleneck() == bottleneck && e.getValue().layers().equals(layers)) {
                    return e.getKey();
                }
            }
            throw new IllegalArgumentException("the checkpoint is a ResNet with " + layers + " blocks per stage ("
                    + (bottleneck ? "bottleneck" : "basic") + " blocks), which is none of " + RESNETS.keySet());
        }
        List<String> first = tensors.keySet().stream().limit(5).toList();
        throw new IllegalArgumentException("the checkpoint's tensor names fit no architecture Graft knows (a ResNet has"
                + " conv1.weight and layer1.0.conv1.weight; an EfficientNet conv_stem.weight or features.0.0.weight); its"
                + " first tensors are " + first);
    }

    /**
     * The spec of ResNet {@code architecture} ({@code resnet18}, {@code resnet34}, {@code resnet50}) at the width of
     * the checkpoint's stem ({@code conv1.weight}), or the published width when {@code tensors} has no stem; every
     * other tensor's shape is then checked against it when the weights are loaded.
     */
    public static ResNetSpec resNetSpec(String architecture, Map<String, TensorData> tensors) {
        ResNetSpec spec = RESNETS.get(architecture.toLowerCase(Locale.ROOT));
        if (spec == null) {
            throw new IllegalArgumentException("no ResNet '" + architecture + "'; this Graft knows " + RESNETS.keySet());
        }
        TensorData stem = tensors.get("conv1.weight");
        return stem == null || stem.shape().length != 4 ? spec : spec.withWidth((int) stem.shape()[0]);
    }

    /**
     * Every tensor of a checkpoint file, by its own name: a torch zip ({@code pytorch_model.bin}, {@code .pth},
     * recognised by its {@code PK} signature, read without executing pickle) or a safetensors file. BatchNorm step
     * counters ({@code num_batches_tracked}, int64) are kept as a zero scalar, to be ignored.
     */
    public static Map<String, TensorData> read(Path file) {
        try {
            byte[] magic;
            try (InputStream in = Files.newInputStream(file)) {
                magic = in.readNBytes(2);
            }
            if (magic.length == 2 && magic[0] == 'P' && magic[1] == 'K') {
                return TorchCheckpoint.read(file);
            }
            try (SafeTensorsFile f = SafeTensors.open(file)) {
                Map<String, TensorData> m = new LinkedHashMap<>();
                for (String name : f.names()) {
                    m.put(name, name.endsWith("num_batches_tracked") ? new TensorData(name, new long[0], new float[1])
                            : f.tensor(name));
                }
                return m;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read weights " + file + ": " + e.getMessage(), e);
        }
    }
}
