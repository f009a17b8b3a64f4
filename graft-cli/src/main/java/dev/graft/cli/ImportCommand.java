package dev.graft.cli;

import dev.graft.data.image.PreprocessorConfig;
import dev.graft.strategy.ImageBackbone;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.model.BackboneDirectory;
import dev.graft.tensor.io.OwnedDirectory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft models import}: turn a bare weights file into a model directory Graft can train from. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Import a bare pretrained image model as a model directory: an ONNX MobileNetV2 (--onnx), any ONNX"
                + " image classifier read at the node holding its pooled features (--onnx with --features-node), or a"
                + " torchvision/timm safetensors checkpoint of ResNet-18/50 or EfficientNet-B0 (--safetensors with --architecture)."
                + " Writes the weights, backbone.json (architecture) and a Hugging Face style preprocessor_config.json from a preset.",
                "Without --out it is registered under NAME in $GRAFT_HOME/models/vision, so `graft train --model NAME` finds it.", ""})
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--onnx", paramLabel = "FILE", description = "ONNX file of a pretrained MobileNetV2, or of any image classifier"
            + " with --features-node.")
    Path onnx;

    @Option(names = "--features-node", paramLabel = "NAME", description = "With --onnx: the node (or value) of the graph holding"
            + " the pooled features, e.g. the output of its GlobalAveragePool/Flatten. Frozen features then run on ONNX Runtime;"
            + " fine-tuning only for a MobileNetV2 (Graft rebuilds no other ONNX graph in Java).")
    String featuresNode;

    @Option(names = "--safetensors", paramLabel = "FILE",
            description = "safetensors checkpoint (timm or torchvision names; the ImageNet classifier is ignored); needs --architecture.")
    Path safetensors;

    @Option(names = "--architecture", paramLabel = "ARCH",
            description = "Architecture of the --safetensors checkpoint: resnet18, resnet50 or efficientnet-b0.")
    String architecture;

    @Option(names = "--preset", defaultValue = "imagenet", paramLabel = "NAME",
            description = "Input preprocessing preset (default: ${DEFAULT-VALUE}: shorter side 256, centre crop 224, ImageNet mean/std).")
    String preset;

    @Option(names = "--name", paramLabel = "NAME", description = "Name to register (default: the architecture, e.g. mobilenetv2).")
    String name;

    @Option(names = "--license", defaultValue = "unknown", paramLabel = "SPDX", description = "Licence of the weights, recorded in provenance (default: ${DEFAULT-VALUE}).")
    String license;

    @Option(names = "--out", paramLabel = "DIR", description = "Model directory to write (default: $GRAFT_HOME/models/vision/NAME).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if ((onnx == null) == (safetensors == null)) {
            throw new IllegalArgumentException("Give exactly one of --onnx FILE (MobileNetV2) or --safetensors FILE --architecture ARCH.");
        }
        if (safetensors != null) {
            return importCheckpoint();
        }
        if (featuresNode != null) {
            return importGraph();
        }
        if (architecture != null && !architecture.equalsIgnoreCase("mobilenetv2")) {
            throw new IllegalArgumentException("--onnx imports a MobileNetV2; for " + architecture + " use --safetensors FILE.");
        }
        PreprocessorConfig pre = PreprocessorConfig.preset(preset);
        String arch = "mobilenetv2";
        String id = modelName(arch);
        Path target = out != null ? out : dev.graft.strategy.ImageBackbone.importedModels().resolve(id);
        OwnedDirectory.checkWritable(target, BackboneDirectory.KIND);
        var imported = ImageBackbone.importOnnx(onnx, target, id, license, pre);
        var o = spec.commandLine().getOut();
        o.printf("Imported %s (%s, %d blocks, %d-d features, %d ImageNet classes) to %s%n", id, arch, imported.blocks().size(),
                imported.featureDim(), imported.numClasses(), target.toAbsolutePath());
        o.println("Train with: graft train --train IMAGES --model " + (out != null ? target : id) + " --out MODEL");
        o.flush();
        return 0;
    }

    private int importGraph() throws Exception {
        if (architecture != null) {
            throw new IllegalArgumentException("--features-node takes no --architecture: the graph is used as it is, up to that node.");
        }
        PreprocessorConfig pre = PreprocessorConfig.preset(preset);
        String id = modelName(onnx.getFileName().toString().replaceFirst("(?i)\\.onnx$", "").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9._-]", "-"));
        if (!VALID_NAME.matcher(id).matches()) {
            throw new IllegalArgumentException("Cannot name the model after " + onnx.getFileName() + ": give --name NAME.");
        }
        Path target = out != null ? out : ImageBackbone.importedModels().resolve(id);
        OwnedDirectory.checkWritable(target, BackboneDirectory.KIND);
        ImageBackbone b = ImageBackbone.importOnnx(onnx, featuresNode, target, id, license, pre);
        String arch = VisionBackbones.configField(b.directory(), "architecture", "?");
        var o = spec.commandLine().getOut();
        o.printf("Imported %s (%s, features at %s: %d-d) to %s%n", id, arch, VisionBackbones.configField(b.directory(),
                VisionBackbones.FEATURES_NODE_FIELD, featuresNode), Integer.parseInt(VisionBackbones.configField(b.directory(),
                "feature_dim", "0")), b.directory());
        if (!arch.equals("mobilenetv2")) {
            o.println("Feature extraction only (ONNX Runtime); fine-tuning needs an architecture Graft rebuilds in Java.");
        }
        o.println("Train with: graft train --train IMAGES --model " + (out != null ? target : id) + " --strategy feature-extraction --out MODEL");
        o.flush();
        return 0;
    }

    private int importCheckpoint() throws Exception {
        if (architecture == null) {
            throw new IllegalArgumentException("--safetensors needs --architecture, one of " + VisionBackbones.CHECKPOINT_ARCHITECTURES + ".");
        }
        String arch = architecture.toLowerCase(Locale.ROOT);
        if (!VisionBackbones.CHECKPOINT_ARCHITECTURES.contains(arch)) {
            throw new IllegalArgumentException("Unknown --architecture '" + architecture + "'; safetensors checkpoints can be "
                    + VisionBackbones.CHECKPOINT_ARCHITECTURES + ".");
        }
        PreprocessorConfig pre = PreprocessorConfig.preset(preset);
        String id = modelName(arch);
        Path target = out != null ? out : dev.graft.strategy.ImageBackbone.importedModels().resolve(id);
        OwnedDirectory.checkWritable(target, BackboneDirectory.KIND);
        ImageBackbone b = ImageBackbone.importCheckpoint(arch, safetensors, target, id, license, pre);
        var o = spec.commandLine().getOut();
        o.printf("Imported %s (%s from %s) to %s%n", id, arch, safetensors, b.directory());
        o.println("Train with: graft train --train IMAGES --model " + (out != null ? target : id) + " --out MODEL");
        o.flush();
        return 0;
    }

    /** The registered name: --name (a plain name, since it becomes a folder in the Graft home) or the architecture. */
    private String modelName(String arch) {
        if (name == null) {
            return arch;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (!VALID_NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("--name '" + (n.length() > 80 ? n.substring(0, 80) + "..." : n) + "' is not a plain"
                    + " model name: use letters, digits, '.', '_' and '-' (starting with a letter or digit), at most 64 characters.");
        }
        return n;
    }

    private static final java.util.regex.Pattern VALID_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
}
