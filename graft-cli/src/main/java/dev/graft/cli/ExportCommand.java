package dev.graft.cli;

import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.LoraMerge;
import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.export.HfExport;
import dev.graft.artifact.export.OnnxExport;
import dev.graft.artifact.export.PeftExport;
import dev.graft.data.DataOptions;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graft export}: write a trained model in another form. Each format is one case of {@link #call()}: parse, call
 * core once, print what was written.
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
        if (chosen != Format.onnx && (quantize != null || data != null || allowAccuracyDrop)) {
            throw new IllegalArgumentException("--quantize, --data and --allow-accuracy-drop apply to --format onnx.");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        switch (chosen) {
            case merged -> {
                System.err.println("Merging LoRA of " + model + " ...");
                LoraMerge.Result r = LoraMerge.merge(model, out);
                stdout.printf(Locale.ROOT, "%s the merged model %s  (max |Δ probability| over %d probe texts: %.2e)%n",
                        r.replaced() ? "Replaced" : "Wrote", out.toAbsolutePath(), r.probes(), r.maxProbabilityDifference());
            }
            case onnx -> exportOnnx(stdout);
            case hf -> {
                HfExport.Result r = HfExport.write(model, out);
                stdout.printf(Locale.ROOT, "%s %s  (Hugging Face BertForSequenceClassification layout, %d tensors)%n",
                        r.replaced() ? "Replaced" : "Wrote", out.toAbsolutePath(), r.tensors());
                r.notes().forEach(n -> stdout.println("  " + n));
            }
            case peft -> {
                int n = PeftExport.write(model, out);
                stdout.printf(Locale.ROOT, "Wrote %s  (PEFT LoRA adapter, %d tensors; the classifier reads the base model's pooler"
                        + " output in Transformers, so its logits differ from Graft's: see README.md there)%n", out.toAbsolutePath(), n);
            }
            default -> throw new IllegalStateException(chosen.name());
        }
        stdout.flush();
        return 0;
    }

    private void exportOnnx(PrintWriter stdout) {
        if (quantize != null && !quantize.equalsIgnoreCase("int8")) {
            throw new IllegalArgumentException("--quantize takes int8, got '" + quantize + "'.");
        }
        if (!(maxAccuracyDrop >= 0 && maxAccuracyDrop <= 1)) {
            throw new IllegalArgumentException("--max-accuracy-drop must be in [0, 1], got " + maxAccuracyDrop + ".");
        }
        boolean int8 = quantize != null;
        if (int8 && data == null) {
            throw new IllegalArgumentException("--quantize int8 needs --data FILE (labelled validation or test data) to measure"
                    + " the accuracy change.");
        }
        if (!int8 && data != null) {
            throw new IllegalArgumentException("--data is read only with --quantize int8.");
        }
        TextDataset evaluation = null;
        ImageDataset images = null;
        if (int8 && ImageClassifier.isImageModel(model)) {
            images = ImageDataReader.read(data, ModelDirectory.targetFormat(model)).verify(2, false);
            images.notices().forEach(System.err::println);
        } else if (int8) {
            DataOptions read = DataOptions.defaults();
            read = textColumn == null ? read : read.withTextColumn(textColumn);
            read = textPairColumn == null ? read : read.withTextPairColumn(textPairColumn);
            read = labelColumn == null ? read : read.withLabelColumn(labelColumn);
            if (ModelDirectory.isModel(model)) { // targets as the model's task writes them
                read = read.withTargets(ModelDirectory.targetFormat(model));
            }
            evaluation = TextDataReader.read(data, read);
            DataOptionsMixin.skippedNote(evaluation).ifPresent(System.err::println);
        }
        System.err.println("Exporting " + model + " to ONNX ...");
        OnnxExport.Result r = OnnxExport.export(model, out, new OnnxExport.Options(int8, evaluation, images, maxAccuracyDrop,
                allowAccuracyDrop));
        stdout.printf(Locale.ROOT, "%s %s (%.1f MB, %s; tokenizer %s)%n", r.replaced() ? "Replaced" : "Wrote",
                r.file().toAbsolutePath(), r.bytes() / 1e6, r.graphSource(), r.tokenizer() == null ? "none: image model" : r.tokenizer().getFileName());
        stdout.printf(Locale.ROOT, "ONNX Runtime vs Graft on %d probe inputs: max |Δ| %.2e%n", r.probes(), r.maxDifference());
        OnnxExport.Quantization q = r.quantization();
        if (q != null) {
            stdout.printf(Locale.ROOT, "int8: %d MatMul weights quantised (%.1f MB → %.1f MB); %s on %d examples %.4f (fp32) → %.4f (int8),"
                            + " change %+.4f; max |Δ output| %.3g%n", q.matmuls(), q.weightBytesBefore() / 1e6, q.weightBytesAfter() / 1e6,
                    q.metric(), q.examples(), q.fp32(), q.int8(), q.int8() - q.fp32(), q.maxOutputDifference());
            if (!q.accepted()) {
                System.err.printf(Locale.ROOT, "warning: int8 lowers %s by %.4f, more than --max-accuracy-drop %.4f; written because of"
                        + " --allow-accuracy-drop.%n", q.metric(), q.drop(), maxAccuracyDrop);
            }
        }
    }
}
