package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.Json;
import dev.graft.report.Charts;
import dev.graft.run.LrFinderRequest;
import dev.graft.run.LrFinderRun;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.training.LrFinder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft lr-find}: the learning-rate range test on the user's data, with a suggestion (core's {@link LrFinderRun}). */
@Command(name = "lr-find", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sweep the learning rate exponentially over a few training steps and suggest a rate inside the longest"
                + " descent of the loss, before its minimum (Smith's range test; fastai's lr_find with its valley rule). Takes the same data, model and strategy options as"
                + " `graft train`; nothing is saved except the optional plot and JSON. The same seed gives the same suggestion.", ""})
final class LrFindCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--start", defaultValue = "1e-7", paramLabel = "RATE", description = "First learning rate (default: ${DEFAULT-VALUE}).")
    double start;

    @Option(names = "--end", defaultValue = "10", paramLabel = "RATE", description = "Last learning rate (default: ${DEFAULT-VALUE}).")
    double end;

    @Option(names = "--steps", defaultValue = "100", paramLabel = "N", description = "Training steps in the sweep (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write the loss-vs-rate curve as a PNG (refuses to overwrite an existing file).")
    Path plot;

    @Option(names = "--json", description = "Print one JSON object: suggestion, minimum_loss_lr, learning_rates, losses.")
    boolean json;

    @Option(names = "--image-size", paramLabel = "N", description = "images: crop size fed to the network instead of the model's (at least 32, e.g. 64).")
    Integer imageSize;

    @Option(names = "--augment", defaultValue = "standard", paramLabel = "standard|noflip|none",
            description = "images, fine-tune: train-time augmentation during the sweep (default: ${DEFAULT-VALUE}; digits: noflip).")
    String augment;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (plot != null && Files.exists(plot)) {
            throw new IllegalArgumentException("--plot " + plot + " already exists; Graft never overwrites your files. Choose another name.");
        }
        LrFinder.Result r = LrFinderRun.run(LrFinderRequest.of(options.request().imageSize(imageSize).augment(augment)).sweep(start, end, steps),
                TrainingOptions.listener(System.err, quiet || json));
        if (plot != null) {
            byte[] png = Charts.lrFinder(r.learningRates(), r.losses(), r.suggestion());
            AtomicFiles.writeAtomically(plot.toAbsolutePath(), dev.graft.tensor.io.OnExisting.FAIL, out -> out.write(png));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("strategy", options.strategy);
            o.put("suggestion", r.suggestion());
            o.put("minimum_loss_lr", r.minimumLossLr());
            r.learningRates().forEach(o.putArray("learning_rates")::add);
            r.losses().forEach(o.putArray("losses")::add);
            out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
        } else {
            out.printf(Locale.ROOT, "%-14s %s%n", "learning rate", "smoothed loss");
            int every = Math.max(1, r.learningRates().size() / 20);
            for (int i = 0; i < r.learningRates().size(); i += every) {
                out.printf(Locale.ROOT, "%-14.3e %.4f%n", r.learningRates().get(i), r.losses().get(i));
            }
            out.printf(Locale.ROOT, "%nSuggested learning rate: %.2e (steepest descent; the loss is lowest at %.2e)%n",
                    r.suggestion(), r.minimumLossLr());
            out.println("Train with: graft train ... --strategy " + options.strategy + " --lr " + String.format(Locale.ROOT, "%.1e", r.suggestion()));
            if (plot != null) {
                out.println("Plot: " + plot.toAbsolutePath());
            }
        }
        out.flush();
        return 0;
    }
}
