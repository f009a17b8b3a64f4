package dev.graft.cli;

import dev.graft.artifact.LoraMerge;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft export --merge}: fold a LoRA model's updates into its encoder and write a plain fine-tuned model. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a trained model in another form.",
                "",
                "--merge folds the LoRA updates of a model trained with --strategy lora into the encoder's weights"
                        + " (W + (alpha/r)·B·A) and writes a plain fine-tuned model directory (backbone/model.safetensors, same"
                        + " head, labels, metrics and provenance) that predicts the same, without LoRA. The probabilities of"
                        + " both models on a few probe texts are compared and the largest difference printed. Adapter models"
                        + " cannot be merged (adapters add layers); use them as they are.",
                ""})
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--merge", description = "Fold LoRA into the encoder's weights (the only export so far; required).")
    boolean merge;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by `graft train --strategy lora`.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory to write the merged model to. An existing Graft model there is replaced; anything else is refused.")
    Path out;

    @Override
    public Integer call() {
        if (!merge) {
            throw new IllegalArgumentException("graft export needs --merge (folding LoRA into the weights is the only export so far).");
        }
        System.err.println("Merging LoRA of " + model + " ...");
        LoraMerge.Result r = LoraMerge.merge(model, out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "%s the merged model %s  (max |Δ probability| over %d probe texts: %.2e)%n",
                r.replaced() ? "Replaced" : "Wrote", out.toAbsolutePath(), r.probes(), r.maxProbabilityDifference());
        stdout.flush();
        return 0;
    }
}
