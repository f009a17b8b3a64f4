package dev.graft.artifact.export;

import dev.graft.artifact.GraftModel;
import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.Json;
import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.ModelManifest;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.Versions;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataset;
import dev.graft.data.image.ImageDataset;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.io.OnExisting;
import dev.graft.tensor.onnx.OnnxGraphBuilder;
import dev.graft.tensor.onnx.OnnxInt8Quantizer;
import dev.graft.tensor.onnx.OnnxModelFile;
import dev.graft.tensor.onnx.OnnxModelInfo;
import dev.graft.util.Arguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a trained text model as one ONNX graph: encoder, pooling, head and the task's activation, with inputs
 * {@code input_ids}, {@code attention_mask} (and {@code token_type_ids}), int64 {@code [batch, sequence]}, and one
 * output, the task's: {@code probabilities} (classification), {@code scores} (multi-label) or {@code value}
 * (regression). The tokenizer is written beside it ({@code NAME.tokenizer.json}); labels, task settings (thresholds,
 * target scale) and preprocessing are in the graph's {@code metadata_props} (keys {@code graft.*}).
 *
 * <p>Where the graph comes from: a head on a frozen encoder that has an ONNX graph (the bundled MiniLM, imported
 * models) reuses that graph as it is and appends pooling and head; a fine-tuned encoder, a LoRA model (merged first)
 * or an encoder without an ONNX graph is written from the BERT module's weights ({@link BertOnnxGraph}, opset 17).
 *
 * <p>Before anything is written the graph is run by ONNX Runtime on probe texts and compared with the model's own
 * outputs; an export that does not reproduce them within {@value #MAX_EXPORT_DIFFERENCE} is refused. With int8
 * quantisation ({@link OnnxInt8Quantizer}) the fp32 and int8 graphs are scored on evaluation data and the int8 graph
 * is refused when its figure drops by more than the allowed amount, unless the caller accepts the drop.
 */
public final class OnnxExport {

    /** The largest |Δ| between the exported graph's outputs and the model's own on the probe texts. */
    public static final double MAX_EXPORT_DIFFERENCE = 1e-3;
    /** Metadata key marking a file written by Graft's export. */
    public static final String MARKER = "graft.export";

    private OnnxExport() {
    }

    /**
     * How to export.
     *
     * @param int8              quantise the weight matrices to int8 ({@link OnnxInt8Quantizer})
     * @param evaluation        labelled texts (read as the model's task writes targets) on which the int8 graph of a text
     *                          model is scored against the fp32 one
     * @param imageEvaluation   labelled images, the same for an image model
     * @param maxAccuracyDrop   the largest drop of the figure ({@code accuracy}, else the task's monitor) accepted
     * @param allowAccuracyDrop write the int8 graph even when the drop is larger (the result says so)
     */
    public record Options(boolean int8, TextDataset evaluation, ImageDataset imageEvaluation, double maxAccuracyDrop,
                          boolean allowAccuracyDrop) {

        /** A plain fp32 export. */
        public static Options fp32() {
            return new Options(false, null, null, 0, false);
        }
    }

    /**
     * The int8 graph's figures against the fp32 graph's.
     *
     * @param matmuls      MatMul nodes quantised
     * @param weightBytesBefore bytes of those float32 weights
     * @param weightBytesAfter  bytes of their int8 values and scales
     * @param metric       the figure compared ({@code accuracy}, or the task's monitor)
     * @param fp32         its value with the fp32 graph
     * @param int8         its value with the int8 graph
     * @param examples     examples scored
     * @param maxOutputDifference largest |Δ| between the fp32 and int8 graphs' outputs on those examples
     * @param accepted     false when the drop exceeded the limit and was accepted only because the caller allowed it
     */
    public record Quantization(int matmuls, long weightBytesBefore, long weightBytesAfter, String metric, double fp32, double int8,
                               int examples, double maxOutputDifference, boolean accepted) {

        /** The figure's drop, {@code fp32 − int8} (negative: int8 scored better); for error figures the reverse. */
        public double drop() {
            return lowerIsBetter(metric) ? int8 - fp32 : fp32 - int8;
        }
    }

    /**
     * What an export wrote.
     *
     * @param file          the ONNX file
     * @param tokenizer     the tokenizer written beside it, or {@code null} for an image model
     * @param replaced      whether an earlier export at {@code file} was replaced
     * @param graphSource   where the graph came from ({@code imported encoder graph}, {@code written from the BERT module}, ...)
     * @param maxDifference largest |Δ| between the fp32 graph's outputs (ONNX Runtime) and the model's own, on the probes
     * @param probes        probe inputs compared
     * @param quantization  the int8 figures, or {@code null} for an fp32 export
     * @param bytes         size of the ONNX file
     */
    public record Result(Path file, Path tokenizer, boolean replaced, String graphSource, double maxDifference, int probes,
                         Quantization quantization, long bytes) {
    }

    /**
     * A graph built from a model, checked against it, and how to score any graph of it on the evaluation data
     * ({@code null} without int8); the model's task, and the tokenizer to write beside a text model's graph.
     */
    record Built(byte[] graph, String source, double maxDifference, int probes, Evaluator evaluator, Task task,
                         Path tokenizer) {
    }

    /** Scores graphs of one model on labelled data. */
    interface Evaluator {
        /** The graph's outputs on the evaluation data. */
        float[][] outputs(byte[] graph);

        /** The gold targets of the evaluation data. */
        Targets gold();

        /** The evaluation data's name. */
        String name();
    }

    /**
     * Exports the model in {@code modelDir} to {@code out} (a {@code .onnx} file).
     *
     * @throws IllegalArgumentException for a model or options that cannot be exported, an {@code out} Graft did not write,
     *                                  or an int8 graph whose figure drops too far; nothing is written then
     */
    public static Result export(Path modelDir, Path out, Options options) {
        String fileName = out.getFileName() == null ? "" : out.getFileName().toString();
        if (!fileName.toLowerCase(Locale.ROOT).endsWith(".onnx") || fileName.length() <= ".onnx".length()) {
            throw new IllegalArgumentException(Arguments.name("output") + " must name a .onnx file, got " + out);
        }
        if (!ModelDirectory.isModel(modelDir)) {
            throw new IllegalArgumentException(modelDir + " is not a Graft model directory (no " + ModelDirectory.MANIFEST
                    + "). Pass the --out directory of `graft train`.");
        }
        boolean image = ImageClassifier.isImageModel(modelDir);
        Path tokenizerOut = image ? null
                : out.resolveSibling(fileName.substring(0, fileName.length() - ".onnx".length()) + ".tokenizer.json");
        boolean replacing = checkWritable(out, tokenizerOut);
        if (options.int8() && (image ? options.imageEvaluation() == null : options.evaluation() == null)) {
            throw new IllegalArgumentException("int8 quantisation is checked on labelled data: give " + Arguments.name("data")
                    + " (the model's validation or test set) so the accuracy change can be measured.");
        }
        int threads = Runtime.getRuntime().availableProcessors();
        try {
            Built built = image ? ImageExport.build(modelDir, options, threads) : TextExport.build(modelDir, tokenizerOut, options, threads);
            if (!(built.maxDifference() <= MAX_EXPORT_DIFFERENCE)) {
                throw new IllegalStateException(String.format(Locale.ROOT, "the exported graph's outputs differ from the model's by"
                        + " up to %.3g on the probe inputs (more than %.0e); nothing was written. This is a bug in the export.",
                        built.maxDifference(), MAX_EXPORT_DIFFERENCE));
            }
            byte[] graph = built.graph();
            Quantization quantization = null;
            if (options.int8()) {
                OnnxInt8Quantizer.Result q = OnnxInt8Quantizer.quantize(graph);
                quantization = compare(graph, q, built.task(), options, built.evaluator());
                graph = q.model();
            }
            byte[] written = graph;
            if (tokenizerOut != null) {
                AtomicFiles.writeAtomically(tokenizerOut, replacing || Files.exists(tokenizerOut) ? OnExisting.REPLACE : OnExisting.FAIL,
                        os -> Files.copy(built.tokenizer(), os));
            }
            AtomicFiles.writeAtomically(out, replacing ? OnExisting.REPLACE : OnExisting.FAIL, os -> os.write(written));
            return new Result(out, tokenizerOut, replacing, built.source(), built.maxDifference(), built.probes(), quantization,
                    written.length);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot export " + modelDir + " to " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * For a server: the model to serve for {@code loaded}, just loaded from {@code dir}. A text model whose encoder runs on
     * libtorch (fine-tuned, LoRA, a backbone without an ONNX export) becomes one graph on ONNX Runtime, built in memory as
     * {@code graft export} builds it (nothing is written) and checked against the model on the export's probe texts:
     * ONNX Runtime answers a few texts a call about twice as soon as libtorch. {@code loaded} is closed then, before
     * ONNX Runtime makes its copy of the weights. Anything else is served as it is: {@code loaded} itself for a model
     * whose encoder already runs on ONNX Runtime, an image or other model, one the export does not cover (adapters, a
     * text-pair model on separate sentence vectors), and the model loaded again from {@code dir} when the graph's
     * outputs differ from the model's by more than {@link #MAX_EXPORT_DIFFERENCE}. The caller predicts in fp32.
     */
    public static GraftModel servingModel(Path dir, GraftModel loaded) {
        if (!(loaded instanceof TextClassifier c) || !c.encoderOnLibtorch()) {
            return loaded;
        }
        TextExport.Graph graph;
        float[][] expected;
        try {
            graph = TextExport.graph(c, dir, c.backbone().tokenizerFile());
            expected = TextExport.probe(c);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot build a graph of " + dir + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            return loaded; // a model the export refuses, before it changes anything but the precision, fp32 here
        }
        Path tokenizer = c.backbone().tokenizerFile();
        boolean pairs = c.pairEncoding() != null;
        ModelManifest manifest = c.manifest();
        Provenance provenance = c.provenance();
        c.close(); // libtorch's copy of the weights goes before ONNX Runtime makes its own
        ExportedModel served = ExportedModel.inMemory(graph.bytes(), dir, tokenizer, manifest, provenance);
        if (maxDifference(expected, TextExport.probe(served.textModel(), pairs)) <= MAX_EXPORT_DIFFERENCE) {
            return served;
        }
        served.close();
        return GraftModel.load(dir);
    }

    /**
     * Whether {@code out} is an earlier export (to be replaced); refuses a file Graft did not write there, and a
     * tokenizer file beside it that is not part of an earlier export.
     */
    private static boolean checkWritable(Path out, Path tokenizerOut) {
        boolean replacing = false;
        if (Files.exists(out)) {
            replacing = isExport(out);
            if (!replacing) {
                throw new IllegalArgumentException(out + " exists and was not written by graft export; Graft does not overwrite"
                        + " it. Choose another " + Arguments.name("output") + ".");
            }
        }
        if (tokenizerOut != null && Files.exists(tokenizerOut) && !replacing) {
            throw new IllegalArgumentException(tokenizerOut + " exists and does not belong to an earlier export at " + out
                    + "; Graft does not overwrite it. Choose another " + Arguments.name("output") + ".");
        }
        return replacing;
    }

    /** Whether {@code file} is an ONNX file written by this export (its metadata holds {@value #MARKER}). */
    public static boolean isExport(Path file) {
        try {
            return Files.isRegularFile(file) && OnnxModelInfo.of(OnnxModelFile.read(file).bytes()).metadata().containsKey(MARKER);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static void commonMetadata(OnnxGraphBuilder g, Task task, String strategy, String backbone, Path modelDir) throws IOException {
        g.metadata(MARKER, "graft " + Versions.graft());
        g.metadata("graft.task", task.kind().key());
        g.metadata("graft.output", HeadOnnxGraph.outputName(task));
        g.metadata("graft.labels", Json.MAPPER.writeValueAsString(task.outputNames()));
        g.metadata("graft.task_settings", Json.MAPPER.writeValueAsString(task.settings()));
        g.metadata("graft.backbone", backbone);
        g.metadata("graft.strategy", strategy);
        g.metadata("graft.source_model", modelDir.getFileName() == null ? modelDir.toString() : modelDir.getFileName().toString());
    }

    /** Largest |a − b| over all cells. */
    public static double maxDifference(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                max = Math.max(max, Math.abs((double) a[i][k] - b[i][k]));
            }
        }
        return max;
    }

    private static Quantization compare(byte[] fp32Graph, OnnxInt8Quantizer.Result q, Task task, Options options, Evaluator evaluator) {
        float[][] before = evaluator.outputs(fp32Graph);
        float[][] after = evaluator.outputs(q.model());
        String metric = task.kind() == TaskKind.CLASSIFICATION ? "accuracy" : task.defaultMonitor();
        double a = task.score(before, evaluator.gold()).value(metric);
        double b = task.score(after, evaluator.gold()).value(metric);
        return checked(new Quantization(q.quantised(), q.weightsBefore(), q.weightsAfter(), metric, a, b, before.length,
                maxDifference(before, after), true), options, evaluator.name());
    }

    /**
     * {@code q} when its drop is within {@link Options#maxAccuracyDrop()}; else, when the caller allows the drop, {@code q}
     * marked not accepted; else a refusal naming the figures and the arguments that change the outcome.
     */
    static Quantization checked(Quantization q, Options options, String dataName) {
        if (q.drop() <= options.maxAccuracyDrop()) {
            return q;
        }
        if (!options.allowAccuracyDrop()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "int8 quantisation lowers %s on %s from %.4f to %.4f"
                    + " (a drop of %.4f, more than the %.4f allowed by %s); nothing was written. Export without int8, raise %s,"
                    + " or accept the drop with %s.", q.metric(), dataName, q.fp32(), q.int8(), q.drop(),
                    options.maxAccuracyDrop(), Arguments.name("maxAccuracyDrop"), Arguments.name("maxAccuracyDrop"),
                    Arguments.name("allowAccuracyDrop")));
        }
        return new Quantization(q.matmuls(), q.weightBytesBefore(), q.weightBytesAfter(), q.metric(), q.fp32(), q.int8(), q.examples(),
                q.maxOutputDifference(), false);
    }

    private static boolean lowerIsBetter(String metric) {
        String m = metric.toLowerCase(Locale.ROOT);
        return m.contains("mse") || m.contains("mae") || m.contains("loss") || m.contains("error");
    }
}
