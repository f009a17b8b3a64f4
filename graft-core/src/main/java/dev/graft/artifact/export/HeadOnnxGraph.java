package dev.graft.artifact.export;

import ai.djl.nn.Parameter;
import dev.graft.data.TaskKind;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.text.Pooling;
import dev.graft.task.RegressionTask;
import dev.graft.task.Task;
import dev.graft.tensor.onnx.OnnxAttr;
import dev.graft.tensor.onnx.OnnxDataType;
import dev.graft.tensor.onnx.OnnxGraphBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes what follows an encoder as ONNX nodes: pooling of the hidden states, the {@link ClassifierHead} (optional
 * dense layer with exact GELU, output layer) and the task's activation (softmax, sigmoid, or the regression value
 * de-standardised: {@code output · std + mean}). Only operators valid since opset 9 with one meaning in every later
 * opset are used, so these nodes can be appended to an imported encoder graph of any opset.
 */
final class HeadOnnxGraph {

    private HeadOnnxGraph() {
    }

    /** The graph output's name for a task: {@code probabilities}, {@code scores} (multi-label) or {@code value}. */
    static String outputName(Task task) {
        return switch (task.kind()) {
            case CLASSIFICATION -> "probabilities";
            case MULTI_LABEL -> "scores";
            case REGRESSION -> "value";
            default -> throw new IllegalArgumentException("a " + task.kind().key() + " model has no sentence-level output to export");
        };
    }

    /**
     * Refuses a model whose pooling an export cannot reproduce: exports pool the last hidden state by mean or cls, so a
     * pooling over inner layers or a concatenation ({@link Pooling#fineTunable()} false) would export a different model.
     */
    static void checkPooling(Pooling pooling, Path modelDir) {
        if (!pooling.fineTunable()) {
            throw new IllegalArgumentException(modelDir + " pools its text model's states by " + pooling.key()
                    + "; exports pool the last hidden state by mean or cls only, so this model is not exported (it would"
                    + " give other outputs). Retrain it with pooling mean or cls to export it.");
        }
    }

    /**
     * Pools {@code hidden [batch, sequence, width]} as {@code pooling} says: the mean over the tokens {@code attentionMask}
     * keeps (as {@code mask·hidden / max(mask·mask, 1e-9)}, two batched MatMuls), or the first token.
     *
     * @return the pooled vectors' name, {@code [batch, width]}
     */
    static String pool(OnnxGraphBuilder g, String hidden, String attentionMask, Pooling pooling) {
        if (!pooling.fineTunable()) {
            throw new IllegalArgumentException("pooling " + pooling.key() + " cannot be written as ONNX nodes");
        }
        if (pooling.equals(Pooling.CLS)) {
            return g.node("Gather", List.of(hidden, g.initializer("pool/first", new long[0], new long[] {0})), "pooled",
                    OnnxAttr.of("axis", 1L));
        }
        String maskF = g.node("Cast", List.of(attentionMask), "pool/mask_float", OnnxAttr.of("to", (long) OnnxDataType.FLOAT));
        String row = g.node("Reshape", List.of(maskF, g.ints("pool/row_shape", 0, 1, -1)), "pool/mask_row");
        String sum = g.node("MatMul", List.of(row, hidden), "pool/sum");
        String count = g.node("MatMul", List.of(row, g.node("Transpose", List.of(row), "pool/mask_column", OnnxAttr.ints("perm", 0, 2, 1))),
                "pool/count");
        String clamped = g.node("Max", List.of(count, g.scalar("pool/min_count", 1e-9f)), "pool/count_clamped");
        return g.node("Reshape", List.of(g.node("Div", List.of(sum, clamped), "pool/mean3"), g.ints("pool/flat_shape", 0, -1)), "pooled");
    }

    /**
     * Adds the head and the task's activation on {@code features [batch, inputDim]} and declares the graph output
     * ({@link #outputName}, {@code [batch, outputs]}).
     */
    static String append(OnnxGraphBuilder g, String features, ClassifierHead head, Task task) {
        Map<String, Parameter> p = head.namedParameters();
        String x = features;
        if (head.config().hiddenUnits() > 0) {
            x = OnnxLayers.gelu(g, OnnxLayers.linear(g, x, p.get("dense.weight"), p.get("dense.bias"), "head/dense"), "head/gelu");
        }
        String logits = OnnxLayers.linear(g, x, p.get("out_proj.weight"), p.get("out_proj.bias"), "head/out_proj");
        String name = outputName(task);
        String out = switch (task.kind()) {
            case CLASSIFICATION -> g.node("Softmax", List.of(logits), name, OnnxAttr.of("axis", 1L));
            case MULTI_LABEL -> g.node("Sigmoid", List.of(logits), name);
            case REGRESSION -> {
                RegressionTask r = (RegressionTask) task;
                String scaled = g.node("Mul", List.of(logits, g.scalar("head/std", (float) r.std())), "head/scaled");
                yield g.node("Add", List.of(scaled, g.scalar("head/mean", (float) r.mean())), name);
            }
            default -> throw new IllegalArgumentException("a " + task.kind().key() + " model has no sentence-level output to export");
        };
        g.output(out, OnnxDataType.FLOAT, "batch", (long) task.outputWidth());
        return out;
    }

    /** Whether {@code kind} has an output per sentence (not per token). */
    static boolean exportable(TaskKind kind) {
        return kind == TaskKind.CLASSIFICATION || kind == TaskKind.MULTI_LABEL || kind == TaskKind.REGRESSION;
    }
}
