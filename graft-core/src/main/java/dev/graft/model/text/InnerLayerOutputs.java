package dev.graft.model.text;

import dev.graft.tensor.onnx.OnnxDataType;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.tensor.onnx.OnnxGraphBuilder;
import dev.graft.tensor.onnx.OnnxNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BERT encoder's ONNX graph with the hidden states of its last layers as graph outputs, for poolings that read inner
 * layers ({@link Pooling#layers()}). A layer's output is the output of its last {@code /encoder/layer.N/output/LayerNorm}
 * node (fused {@code LayerNormalization} or decomposed), the naming of Hugging Face's and Optimum's exports; the graph
 * is otherwise unchanged (its nodes are kept byte for byte by {@link OnnxGraphBuilder#extend}), so the last output is
 * exactly the encoder's own last hidden state.
 *
 * @param bytes   the edited model
 * @param outputs output names of the last layers, the last layer first
 */
record InnerLayerOutputs(byte[] bytes, List<String> outputs) {

    private static final Pattern LAYER_NORM = Pattern.compile("/encoder/layer\\.(\\d+)/output/LayerNorm/.*");

    /**
     * {@code model} with the outputs of its last {@code layers} layers.
     *
     * @param lastHidden the graph output holding the last hidden state ({@code [batch, tokens, width]})
     * @throws IllegalArgumentException naming the file when the layers cannot be found or the model has fewer layers
     */
    static InnerLayerOutputs of(OnnxGraph graph, byte[] model, String lastHidden, int width, int layers) {
        Map<Integer, String> layerOutputs = new TreeMap<>();
        for (OnnxNode n : graph.nodes()) {
            Matcher m = LAYER_NORM.matcher(n.name());
            if (m.matches() && !n.outputs().isEmpty()) {
                layerOutputs.put(Integer.parseInt(m.group(1)), n.outputs().get(0)); // nodes are in topological order
            }
        }
        if (layerOutputs.size() < layers) {
            throw new IllegalArgumentException("ONNX model " + graph.source() + " has " + layerOutputs.size()
                    + " encoder layers Graft can find (nodes named /encoder/layer.N/output/LayerNorm/...), but the pooling"
                    + " reads the last " + layers + "; choose a pooling over at most " + layerOutputs.size() + " layers.");
        }
        List<Integer> indices = new ArrayList<>(layerOutputs.keySet());
        OnnxGraphBuilder g = new OnnxGraphBuilder("graft-layers", 1);
        List<String> outputs = new ArrayList<>();
        outputs.add(lastHidden);
        g.output(lastHidden, OnnxDataType.FLOAT, "batch", "sequence", width);
        for (int i = 1; i < layers; i++) {
            String name = layerOutputs.get(indices.get(indices.size() - 1 - i));
            outputs.add(name);
            g.output(name, OnnxDataType.FLOAT, "batch", "sequence", width);
        }
        return new InnerLayerOutputs(g.extend(model), List.copyOf(outputs));
    }
}
