package dev.graft.cli;

import dev.graft.artifact.LoraMerge;
import dev.graft.artifact.export.HfExport;
import dev.graft.artifact.export.PeftExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graft export}: {@code --merge} folds a LoRA model's updates into its encoder and writes a plain fine-tuned model;
 * {@code --format hf|peft} writes the layouts Hugging Face Transformers and PEFT load ({@link HfExport}, {@link PeftExport}).
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a trained model in another form.",
                "",
                "--merge folds the LoRA updates of a model trained with --strategy lora into the encoder's weights"
                        + " (W + (alpha/r)·B·A) and writes a plain fine-tuned model directory (backbone/model.safetensors, same"
                        + " head, labels, metrics and provenance) that predicts the same, without LoRA. The probabilities of"
                        + " both models on a few probe texts are compared and the largest difference printed. Adapter models"
                        + " cannot be merged (adapters add layers); use them as they are.",
                "",
                "--format hf writes a text model (feature-extraction, fine-tuned, or LoRA merged; linear head) as Transformers'"
                        + " BertForSequenceClassification: config.json, model.safetensors, tokenizer files, README.md. The encoder"
                        + " is Graft's exactly, but Transformers' classifier reads tanh(pooler(h_CLS)) where Graft's head reads"
                        + " the pooled hidden states, so its logits differ; README.md shows how to get Graft's outputs.",
                "--format peft writes a LoRA model's updates as a PEFT adapter (adapter_config.json,"
                        + " adapter_model.safetensors) for the pretrained backbone.",
                ""})
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--merge", description = "Fold LoRA into the encoder's weights and write a Graft model directory.")
    boolean merge;

    @Option(names = "--format", paramLabel = "hf|peft",
            description = "Write another library's layout: hf (Transformers BertForSequenceClassification) or peft (a LoRA adapter).")
    String format;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by `graft train --strategy lora`.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory to write the merged model to. An existing Graft model there is replaced; anything else is refused.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        if (format != null) {
            return exportFormat(stdout);
        }
        if (!merge) {
            throw new IllegalArgumentException("graft export needs --merge or --format hf|peft.");
        }
        System.err.println("Merging LoRA of " + model + " ...");
        LoraMerge.Result r = LoraMerge.merge(model, out);
        stdout.printf(Locale.ROOT, "%s the merged model %s  (max |Δ probability| over %d probe texts: %.2e)%n",
                r.replaced() ? "Replaced" : "Wrote", out.toAbsolutePath(), r.probes(), r.maxProbabilityDifference());
        stdout.flush();
        return 0;
    }

    private int exportFormat(PrintWriter stdout) {
        if (merge) {
            throw new IllegalArgumentException("--merge writes a Graft model; give either --merge or --format, not both.");
        }
        switch (format.toLowerCase(Locale.ROOT)) {
            case "hf" -> {
                HfExport.Result r = HfExport.write(model, out);
                stdout.printf(Locale.ROOT, "%s %s  (Hugging Face BertForSequenceClassification layout, %d tensors)%n",
                        r.replaced() ? "Replaced" : "Wrote", out.toAbsolutePath(), r.tensors());
                r.notes().forEach(n -> stdout.println("  " + n));
            }
            case "peft" -> {
                int n = PeftExport.write(model, out);
                stdout.printf(Locale.ROOT, "Wrote %s  (PEFT LoRA adapter, %d tensors; the classifier reads the base model's pooler"
                        + " output in Transformers, so its logits differ from Graft's: see README.md there)%n", out.toAbsolutePath(), n);
            }
            default -> throw new IllegalArgumentException("Unknown --format '" + format + "': give hf or peft.");
        }
        stdout.flush();
        return 0;
    }
}
