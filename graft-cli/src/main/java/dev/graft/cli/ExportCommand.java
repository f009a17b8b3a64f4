package dev.graft.cli;

import dev.graft.artifact.LoraMerge;
import dev.graft.artifact.export.HfExport;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.data.DataOptions;
import dev.graft.run.ExportRequest;
import dev.graft.run.ExportResult;
import dev.graft.run.ExportRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graft export}: write a trained model in another form. Parses the options into core's {@link ExportRequest}, runs
 * {@link ExportRun} once and prints what was written.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a trained model in another form.",
                "",
                "--format onnx writes one ONNX graph (encoder, pooling, head and the task's outputs: probabilities,"
                        + " multi-label scores or the regression value) that ONNX Runtime runs without Graft, the tokenizer"
                        + " beside it (NAME.tokenizer.json) and labels, thresholds and preprocessing in the graph's metadata."
                        + " The graph is checked against the model's own predictions before it is written. --quantize int8"
                        + " quantises its weight matrices (dynamic int8, per output channel) and refuses when accuracy on"
                        + " --data drops by more than --max-accuracy-drop.",
                "",
                "--format hf writes a text model (feature-extraction, fine-tuned, or LoRA merged; linear head) as Transformers'"
                        + " BertForSequenceClassification: config.json, model.safetensors, tokenizer files, README.md. The encoder"
                        + " is Graft's exactly, but Transformers' classifier reads tanh(pooler(h_CLS)) where Graft's head reads"
                        + " the pooled hidden states, so its logits differ; README.md shows how to get Graft's outputs.",
                "--format peft writes a LoRA model's updates as a PEFT adapter (adapter_config.json,"
                        + " adapter_model.safetensors) for the pretrained backbone.",
                "",
                "--format merged (or --merge) folds the LoRA updates of a model trained with --strategy lora into the"
                        + " encoder's weights (W + (alpha/r)·B·A) and writes a plain fine-tuned model directory that predicts"
                        + " the same, without LoRA. Adapter models cannot be merged.",
                ""})
final class ExportCommand implements Callable<Integer> {

    /** The forms {@code graft export} writes. */
    enum Format { onnx, hf, peft, merged }

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", description = "onnx (one ONNX graph file), hf (Transformers layout), peft (a LoRA adapter) or merged (LoRA folded into a model directory).")
    Format format;

    @Option(names = "--merge", description = "Same as --format merged.")
    boolean merge;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by `graft train`.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "PATH",
            description = "onnx: the .onnx file to write (an earlier export there is replaced; any other file is refused)."
                    + " merged: the model directory to write.")
    Path out;

    @Option(names = "--quantize", paramLabel = "int8", description = "onnx: quantise the weight matrices to int8 (needs --data).")
    String quantize;

    @Option(names = "--data", paramLabel = "PATH", description = "onnx --quantize int8: labelled data (the model's validation or"
            + " test set; for an image model a folder of class folders or a CSV of path,label) on which the int8 graph's accuracy is compared with the fp32 graph's.")
    Path data;

    @Option(names = "--max-accuracy-drop", paramLabel = "X", defaultValue = "0.01",
            description = "onnx --quantize int8: the largest accuracy drop accepted (default: ${DEFAULT-VALUE}; for"
                    + " multi-label and regression models, of the task's monitored figure).")
    double maxAccuracyDrop;

    @Option(names = "--allow-accuracy-drop", description = "onnx --quantize int8: write the int8 graph even when accuracy drops"
            + " by more than --max-accuracy-drop (a warning is printed).")
    boolean allowAccuracyDrop;

    @Option(names = "--text-column", paramLabel = "COLUMN", description = "--data: the text column (default: text, or the first column).")
    String textColumn;

    @Option(names = "--text-pair-column", paramLabel = "COLUMN", description = "--data: the second text's column, for a text-pair model.")
    String textPairColumn;

    @Option(names = "--label-column", paramLabel = "COLUMN", description = "--data: the label column (default: label, or the last column).")
    String labelColumn;

    @Override
    public Integer call() {
        Format chosen = format != null ? format : merge ? Format.merged : null;
        if (chosen == null) {
            throw new IllegalArgumentException("graft export needs --format onnx|hf|peft|merged (or --merge).");
        }
        if (merge && chosen != Format.merged) {
            throw new IllegalArgumentException("--merge is --format merged; it cannot be combined with --format " + chosen + ".");
        }
        DataOptions read = DataOptions.defaults();
        read = textColumn == null ? read : read.withTextColumn(textColumn);
        read = textPairColumn == null ? read : read.withTextPairColumn(textPairColumn);
        read = labelColumn == null ? read : read.withLabelColumn(labelColumn);
        ExportRequest request = ExportRequest.of(model, out, ExportRequest.Format.valueOf(chosen.name().toUpperCase(Locale.ROOT)))
                .quantize(quantize).data(data).dataOptions(read).maxAccuracyDrop(maxAccuracyDrop).allowAccuracyDrop(allowAccuracyDrop);
        print(spec.commandLine().getOut(), ExportRun.run(request, TrainingOptions.listener(System.err, false)));
        return 0;
    }

    static void print(PrintWriter stdout, ExportResult result) {
        if (result instanceof ExportResult.Merged m) {
            LoraMerge.Result r = m.result();
            stdout.printf(Locale.ROOT, "%s the merged model %s  (max |Δ probability| over %d probe texts: %.2e)%n",
                    r.replaced() ? "Replaced" : "Wrote", m.output().toAbsolutePath(), r.probes(), r.maxProbabilityDifference());
        } else if (result instanceof ExportResult.HuggingFace h) {
            HfExport.Result r = h.result();
            stdout.printf(Locale.ROOT, "%s %s  (Hugging Face BertForSequenceClassification layout, %d tensors)%n",
                    r.replaced() ? "Replaced" : "Wrote", h.output().toAbsolutePath(), r.tensors());
            r.notes().forEach(n -> stdout.println("  " + n));
        } else if (result instanceof ExportResult.Peft p) {
            stdout.printf(Locale.ROOT, "Wrote %s  (PEFT LoRA adapter, %d tensors; the classifier reads the base model's pooler"
                    + " output in Transformers, so its logits differ from Graft's: see README.md there)%n", p.output().toAbsolutePath(),
                    p.tensors());
        } else if (result instanceof ExportResult.Onnx o) {
            OnnxExport.Result r = o.result();
            stdout.printf(Locale.ROOT, "%s %s (%.1f MB, %s; tokenizer %s)%n", r.replaced() ? "Replaced" : "Wrote",
                    r.file().toAbsolutePath(), r.bytes() / 1e6, r.graphSource(),
                    r.tokenizer() == null ? "none: image model" : r.tokenizer().getFileName());
            stdout.printf(Locale.ROOT, "ONNX Runtime vs Graft on %d probe inputs: max |Δ| %.2e%n", r.probes(), r.maxDifference());
            OnnxExport.Quantization q = r.quantization();
            if (q != null) {
                stdout.printf(Locale.ROOT, "int8: %d MatMul weights quantised (%.1f MB → %.1f MB); %s on %d examples %.4f (fp32) →"
                                + " %.4f (int8), change %+.4f; max |Δ output| %.3g%n", q.matmuls(), q.weightBytesBefore() / 1e6,
                        q.weightBytesAfter() / 1e6, q.metric(), q.examples(), q.fp32(), q.int8(), q.int8() - q.fp32(),
                        q.maxOutputDifference());
            }
        }
        stdout.flush();
    }
}
