package dev.graft.artifact.export;

import dev.graft.artifact.Json;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.ModelFileLimits;
import dev.graft.model.Precision;
import dev.graft.model.peft.PeftMethod;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.OnnxTextEncoder;
import dev.graft.model.text.PairEncoding;
import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.TextModelSpec;
import dev.graft.task.Targets;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.tensor.onnx.OnnxDataType;
import dev.graft.tensor.onnx.OnnxGraphBuilder;
import dev.graft.tensor.onnx.OnnxModelFile;
import dev.graft.tensor.onnx.OnnxModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The graph of a text model: its ONNX encoder graph extended, or the BERT module written; checked on probe texts. */
final class TextExport {

    static final List<String> PROBES = List.of("This was a wonderful experience and I would do it again.",
            "Terrible. It broke after two days and support never answered.", "ok", "The package arrived on Tuesday.",
            "I am not sure whether I like it or not, the first chapters are slow but the ending is great.",
            "Refund my payment please, the invoice is wrong!", "The app crashes every time I open the settings page.");

    private TextExport() {
    }

    static OnnxExport.Built build(Path modelDir, Path tokenizerOut, OnnxExport.Options options, int threads) throws IOException {
        try (TextClassifier model = TextClassifier.load(modelDir)) {
            return build(model, modelDir, tokenizerOut, options, threads);
        }
    }

    /** A text model's graph, and where its encoder came from. */
    record Graph(byte[] bytes, String source) {
    }

    /** The graph of {@code model}, loaded from {@code modelDir}, checked against it. */
    private static OnnxExport.Built build(TextClassifier model, Path modelDir, Path tokenizerOut, OnnxExport.Options options,
                                          int threads) throws IOException {
        Graph built = graph(model, modelDir, tokenizerOut);
        byte[] graph = built.bytes();
        String source = built.source();
        Task task = model.task();
        TextModelSpec spec = model.backbone();
        boolean pairs = model.pairEncoding() != null;
        double maxDiff;
        try (ExportedTextModel exported = ExportedTextModel.open(graph, spec.tokenizerFile(), spec.maxLength(), threads)) {
            maxDiff = OnnxExport.maxDifference(probe(model), probe(exported, pairs));
        }
        return checked(graph, source, maxDiff, task, spec, pairs, options, threads);
    }

    /**
     * The unchecked graph of {@code model}, loaded from {@code modelDir}, naming {@code tokenizerOut}'s file in its
     * metadata; it switches the model to fp32 and merges its LoRA updates first.
     *
     * @throws IllegalArgumentException naming {@code modelDir} for a model the export does not cover, before anything
     *                                  but the model's precision is changed
     */
    static Graph graph(TextClassifier model, Path modelDir, Path tokenizerOut) throws IOException {
        // The graph computes in float32, so it is checked against the model in float32: a head trained on bf16
        // features predicts in bf16 by default, whose outputs differ from fp32's within bfloat16's precision.
        model.predictIn(Precision.FP32);
        Task task = model.task();
        HeadOnnxGraph.checkPooling(model.backbone().pooling(), modelDir);
        if (!HeadOnnxGraph.exportable(task.kind())) {
            throw new IllegalArgumentException(modelDir + " is a " + task.kind().key() + " model; ONNX export covers"
                    + " classification, multi-label and regression models.");
        }
        if (model.pairEncoding() == PairEncoding.SEPARATE) {
            throw new IllegalArgumentException(modelDir + " reads text pairs as two separate sentence vectors combined as"
                    + " [u, v, |u-v|, u*v]; exporting that two-pass graph is not supported. Train the pair model with"
                    + " fine-tuning (a cross-encoder, one sequence per pair), which exports.");
        }
        if (model.peft() != null) {
            if (model.peft().spec().method() != PeftMethod.LORA) {
                throw new IllegalArgumentException(modelDir + " was trained with bottleneck adapters, which add layers the"
                        + " exported BERT graph does not have; ONNX export covers feature extraction, fine-tuning and LoRA models.");
            }
            model.mergeLora();
        }
        TextModelSpec spec = model.backbone();
        OnnxGraphBuilder g;
        byte[] graph;
        String source;
        SentenceEncoder encoder = model.encoder();
        if (encoder instanceof OnnxTextEncoder) {
            OnnxModelFile base = OnnxModelFile.read(spec.onnxFile());
            long opset = OnnxModelInfo.of(base.bytes()).opset();
            if (opset < 9) {
                throw new IllegalArgumentException("the encoder graph " + spec.onnxFile() + " declares opset " + opset
                        + "; exporting needs opset 9 or later.");
            }
            g = new OnnxGraphBuilder("graft", (int) opset);
            String pooled = HeadOnnxGraph.pool(g, base.graph().outputs().get(0), "attention_mask", spec.pooling());
            HeadOnnxGraph.append(g, pooled, model.head(), task);
            textMetadata(g, model, tokenizerOut, modelDir);
            graph = g.extend(base.bytes());
            source = "imported encoder graph";
        } else if (encoder instanceof DjlTextEncoder djl) {
            g = new OnnxGraphBuilder("graft", BertOnnxGraph.OPSET);
            String ids = g.input("input_ids", OnnxDataType.INT64, "batch", "sequence");
            String mask = g.input("attention_mask", OnnxDataType.INT64, "batch", "sequence");
            String types = g.input("token_type_ids", OnnxDataType.INT64, "batch", "sequence");
            String hidden = BertOnnxGraph.append(g, djl.model(), ids, mask, types);
            HeadOnnxGraph.append(g, HeadOnnxGraph.pool(g, hidden, mask, spec.pooling()), model.head(), task);
            textMetadata(g, model, tokenizerOut, modelDir);
            graph = g.toModel();
            source = "written from the BERT module";
        } else {
            throw new IllegalArgumentException("the encoder of " + modelDir + " (" + encoder.getClass().getSimpleName()
                    + ") cannot be exported");
        }
        return new Graph(graph, source);
    }

    private static OnnxExport.Built checked(byte[] graph, String source, double maxDiff, Task task, TextModelSpec spec,
                                            boolean pairs, OnnxExport.Options options, int threads) {
        OnnxExport.Evaluator evaluator = null;
        TextDataset data = options.evaluation();
        if (options.int8() && data != null) {
            if (data.hasPairs() != pairs) {
                throw new IllegalArgumentException(data.source().displayName() + " holds " + (data.hasPairs() ? "text pairs" : "single texts")
                        + ", but this model reads " + (pairs ? "text pairs" : "single texts") + ".");
            }
            Targets gold = Tasks.targets(task, data);
            List<String> first = data.examples().stream().map(TextExample::text).toList();
            List<String> second = pairs ? data.examples().stream().map(TextExample::textPair).toList() : null;
            evaluator = new OnnxExport.Evaluator() {
                @Override
                public float[][] outputs(byte[] bytes) {
                    try (ExportedTextModel m = ExportedTextModel.open(bytes, spec.tokenizerFile(), spec.maxLength(), threads)) {
                        return pairs ? m.outputs(first, second) : m.outputs(first);
                    }
                }

                @Override
                public Targets gold() {
                    return gold;
                }

                @Override
                public String name() {
                    return data.source().displayName();
                }
            };
        }
        return new OnnxExport.Built(graph, source, maxDiff, PROBES.size(), evaluator, task, spec.tokenizerFile());
    }

    private static void textMetadata(OnnxGraphBuilder g, TextClassifier model, Path tokenizerOut, Path modelDir) throws IOException {
        Task task = model.task();
        TextModelSpec spec = model.backbone();
        OnnxExport.commonMetadata(g, task, model.strategy(), spec.id(), modelDir);
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("tokenizer", tokenizerOut.getFileName().toString());
        pre.put("max_length", spec.maxLength());
        pre.put("pooling", spec.pooling().name().toLowerCase(Locale.ROOT));
        pre.put("lowercase", ModelFileLimits.readJson(spec.tokenizerFile()).path("normalizer").path("lowercase").asBoolean(false));
        pre.put("input", model.pairEncoding() == null ? "text" : "text-pair (one sequence: [CLS] a [SEP] b [SEP], token types 0/1)");
        pre.put("padding", "right, attention_mask 0 on padding");
        g.metadata("graft.preprocessing", Json.MAPPER.writeValueAsString(pre));
    }

    /** The model's outputs on the probe texts (pairs of them for a pair model). */
    static float[][] probe(TextClassifier model) {
        return model.pairEncoding() == null ? model.probabilities(PROBES) : model.probabilities(PROBES, shifted(PROBES));
    }

    /** The graph's outputs on the probe texts. */
    static float[][] probe(ExportedTextModel exported, boolean pairs) {
        return pairs ? exported.outputs(PROBES, shifted(PROBES)) : exported.outputs(PROBES);
    }

    private static List<String> shifted(List<String> texts) {
        List<String> next = new ArrayList<>(texts.subList(1, texts.size()));
        next.add(texts.get(0));
        return next;
    }
}
