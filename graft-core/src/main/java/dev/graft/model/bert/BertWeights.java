package dev.graft.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.graft.model.ArrayCopies;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.tensor.onnx.OnnxNode;
import dev.graft.tensor.onnx.OnnxTensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Maps pretrained BERT weights to Hugging Face parameter names and copies them into a {@link BertModel}. */
public final class BertWeights {

    private BertWeights() {
    }

    /**
     * Extracts the float weights of a Hugging Face BERT ONNX export under their Hugging Face names.
     *
     * <p>Named float initializers (biases, LayerNorm, embeddings) keep their names. Anonymous
     * {@code MatMul} weights are named after their node, {@code /encoder/layer.0/attention/self/query/MatMul}
     * becoming {@code encoder.layer.0.attention.self.query.weight}, and transposed from ONNX's
     * {@code [in,out]} to PyTorch's {@code [out,in]}. {@code Gemm} weights with {@code transB=1} are taken
     * as stored. Non-float initializers (e.g. {@code embeddings.position_ids}) are left out.
     */
    public static Map<String, TensorData> fromOnnx(OnnxGraph graph) throws IOException {
        Map<String, TensorData> out = new LinkedHashMap<>();
        Map<String, OnnxTensor> raw = graph.rawInitializers();
        Set<String> consumed = new LinkedHashSet<>();
        for (OnnxNode node : graph.nodes()) {
            boolean matMul = node.opType().equals("MatMul");
            boolean gemm = node.opType().equals("Gemm");
            if (!(matMul || gemm) || node.inputs().size() < 2 || !raw.containsKey(node.inputs().get(1))) {
                continue;
            }
            String suffix = "/" + node.opType();
            if (!node.name().startsWith("/") || !node.name().endsWith(suffix)) {
                continue;
            }
            String module = node.name().substring(1, node.name().length() - suffix.length()).replace('/', '.');
            TensorData w = raw.get(node.inputs().get(1)).toTensorData();
            boolean transB = gemm && node.attribute("transB") != null && node.attribute("transB").i() == 1;
            TensorData torchLayout = transB ? w : w.transposed2d();
            out.put(module + ".weight", torchLayout.renamed(module + ".weight"));
            consumed.add(node.inputs().get(1));
            if (gemm && node.inputs().size() > 2 && raw.containsKey(node.inputs().get(2))) {
                out.put(module + ".bias", raw.get(node.inputs().get(2)).toTensorData().renamed(module + ".bias"));
                consumed.add(node.inputs().get(2));
            }
        }
        for (OnnxTensor t : raw.values()) {
            if (t.isFloat() && !consumed.contains(t.name()) && !out.containsKey(t.name())) {
                out.put(t.name(), t.toTensorData());
            }
        }
        return out;
    }

    /** Strictly loads {@code weights} into {@code model}: see {@link #load(BertModel, Map, boolean)}. */
    public static LoadReport load(BertModel model, Map<String, TensorData> weights) {
        return load(model, weights, true);
    }

    /**
     * Copies {@code weights} into the parameters of an initialised {@code model}, matching by
     * Hugging Face name.
     *
     * @param strict when true, nothing is copied and a {@link WeightLoadException} carrying the report is
     *               thrown if any parameter is missing, any tensor is unexpected or any shape differs;
     *               when false, every well-shaped tensor is copied and the report is returned
     * @throws IllegalStateException if the model has not been initialised
     */
    public static LoadReport load(BertModel model, Map<String, TensorData> weights, boolean strict) {
        Map<String, Parameter> params = model.namedParameters();
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<LoadReport.ShapeMismatch> mismatched = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter p = e.getValue();
            if (!p.isInitialized()) {
                throw new IllegalStateException("Model is not initialised (parameter " + e.getKey()
                        + "); call initialize(manager, DataType.FLOAT32, shapes...) first");
            }
            TensorData t = weights.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(p.getArray().getShape().getShape(), t.shape())) {
                mismatched.add(new LoadReport.ShapeMismatch(e.getKey(), p.getArray().getShape().getShape(), t.shape()));
            } else {
                loaded.add(e.getKey());
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : weights.keySet()) {
            if (!params.containsKey(name)) {
                unexpected.add(name);
            }
        }
        LoadReport report = new LoadReport(loaded, missing, unexpected, mismatched);
        if (strict && !report.isClean()) {
            throw new WeightLoadException(report);
        }
        for (String name : loaded) {
            copy(params.get(name).getArray(), weights.get(name));
        }
        return report;
    }

    private static void copy(NDArray target, TensorData source) {
        ArrayCopies.copyInto(target, source.data());
    }
}
