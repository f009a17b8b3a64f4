package dev.graft.model.bert;

import dev.graft.tensor.TensorData;
import dev.graft.tensor.onnx.OnnxAttribute;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.tensor.onnx.OnnxNode;
import dev.graft.tensor.onnx.OnnxTensor;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Infers a {@link BertConfig} from weight shapes and, for what shapes cannot tell, from the ONNX graph. */
public final class BertConfigInference {

    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    private BertConfigInference() {
    }

    /**
     * Reads sizes from Hugging Face named weights; the head count and epsilon are not visible in
     * shapes and must be given.
     *
     * @throws IllegalArgumentException if a needed tensor is absent
     */
    public static BertConfig fromWeights(Map<String, TensorData> weights, int numHeads, double layerNormEps) {
        long[] word = shape(weights, "embeddings.word_embeddings.weight");
        long[] pos = shape(weights, "embeddings.position_embeddings.weight");
        long[] type = shape(weights, "embeddings.token_type_embeddings.weight");
        long[] inter = shape(weights, "encoder.layer.0.intermediate.dense.weight");
        int layers = 0;
        for (String name : weights.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        return new BertConfig(Math.toIntExact(word[0]), Math.toIntExact(word[1]), layers, numHeads,
                Math.toIntExact(inter[0]), Math.toIntExact(pos[0]), Math.toIntExact(type[0]), layerNormEps);
    }

    /**
     * Infers the whole configuration from an ONNX export of Hugging Face BERT: sizes from the weights,
     * the head size from the attention-score scale {@code /encoder/layer.0/attention/self/Div}
     * ({@code sqrt(headSize)}), and epsilon from a fused {@code LayerNormalization} node or the
     * constant added in the decomposed {@code /embeddings/LayerNorm/Add}.
     *
     * @throws IOException if the head count or epsilon cannot be found in the graph
     */
    public static BertConfig fromOnnx(OnnxGraph graph) throws IOException {
        Map<String, TensorData> weights = BertWeights.fromOnnx(graph);
        int hidden = Math.toIntExact(shape(weights, "embeddings.word_embeddings.weight")[1]);
        double scale = constantInput(graph, "/encoder/layer.0/attention/self/Div")
                .orElseThrow(() -> new IOException("ONNX file '" + graph.source()
                        + "': cannot find the attention scale node /encoder/layer.0/attention/self/Div"));
        int headSize = (int) Math.round(scale * scale);
        if (headSize <= 0 || hidden % headSize != 0) {
            throw new IOException("ONNX file '" + graph.source() + "': attention scale " + scale
                    + " gives head size " + headSize + ", which does not divide hidden size " + hidden);
        }
        return fromWeights(weights, hidden / headSize, layerNormEps(graph));
    }

    private static double layerNormEps(OnnxGraph graph) throws IOException {
        for (OnnxNode n : graph.nodes()) {
            if (n.opType().equals("LayerNormalization")) {
                OnnxAttribute eps = n.attribute("epsilon");
                return eps == null ? 1e-5 : shortestDecimal(eps.f());
            }
        }
        double eps = constantInput(graph, "/embeddings/LayerNorm/Add").orElseThrow(() -> new IOException(
                "ONNX file '" + graph.source() + "': cannot find the LayerNorm epsilon (/embeddings/LayerNorm/Add)"));
        return shortestDecimal((float) eps);
    }

    /** The float's shortest decimal form as a double (float32 1e-12 becomes exactly 1e-12). */
    private static double shortestDecimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    /** The scalar constant among the inputs of node {@code nodeName}. */
    private static Optional<Double> constantInput(OnnxGraph graph, String nodeName) throws IOException {
        Optional<OnnxNode> node = graph.node(nodeName);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        for (String in : node.get().inputs()) {
            Optional<OnnxTensor> c = graph.constant(in);
            if (c.isPresent() && c.get().elementCount() == 1) {
                return Optional.of(c.get().scalarValue());
            }
        }
        return Optional.empty();
    }

    private static long[] shape(Map<String, TensorData> weights, String name) {
        TensorData t = weights.get(name);
        if (t == null) {
            throw new IllegalArgumentException("Cannot infer BertConfig: tensor '" + name + "' is missing");
        }
        return t.shape();
    }
}
