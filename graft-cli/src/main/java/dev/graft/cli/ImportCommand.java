package dev.graft.cli;

import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.MobileNetV2Onnx;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.tensor.io.AtomicDirectory;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.util.Hashes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft models import}: turn a bare weights file into a model directory Graft can train from. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Import a bare pretrained image model (an ONNX MobileNetV2 today) as a model directory: the weights,"
                + " backbone.json (architecture) and a Hugging Face style preprocessor_config.json from a preset.",
                "Without --out it is registered under NAME in $GRAFT_HOME/models/vision, so `graft train --model NAME` finds it.", ""})
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "ONNX file of the pretrained network.")
    Path onnx;

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
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalArgumentException("ONNX file " + onnx + " does not exist.");
        }
        PreprocessorConfig pre = PreprocessorConfig.preset(preset);
        var imported = MobileNetV2Onnx.read(OnnxGraph.read(onnx)); // validates the architecture before anything is written
        String arch = "mobilenetv2";
        String id = name != null ? name.toLowerCase(Locale.ROOT) : arch;
        Path target = out != null ? out : ImageTraining.importedModels().resolve(id);
        Files.createDirectories(target.toAbsolutePath().getParent());
        AtomicDirectory.write(target, staging -> {
            Files.copy(onnx, staging.resolve(VisionBackbones.ONNX), StandardCopyOption.COPY_ATTRIBUTES);
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("id", id);
            extra.put("license", license);
            extra.put("source", onnx.toAbsolutePath().toString());
            extra.put("sha256", Hashes.sha256(onnx));
            VisionBackbones.writeOnnxConfig(staging, arch, extra);
            pre.write(staging.resolve(PreprocessorConfig.FILE));
        });
        var o = spec.commandLine().getOut();
        o.printf("Imported %s (%s, %d blocks, %d-d features, %d ImageNet classes) to %s%n", id, arch, imported.spec().blocks().size(),
                imported.spec().featureDim(), imported.spec().numClasses(), target.toAbsolutePath());
        o.println("Train with: graft train --train IMAGES --model " + (out != null ? target : id) + " --out MODEL");
        o.flush();
        return 0;
    }
}
