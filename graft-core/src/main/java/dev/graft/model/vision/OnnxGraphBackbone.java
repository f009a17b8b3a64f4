package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import dev.graft.util.Arguments;
import java.util.List;

/**
 * An imported ONNX classifier Graft cannot rebuild in Java, used up to a named node: its frozen features come from
 * ONNX Runtime ({@link OnnxFeatureExtractor} with the node made a graph output). This module stands in for it where a
 * {@link VisionBackbone} is expected (feature width, saving the model); it has no parameters and cannot run, so
 * fine-tuning it is refused.
 */
public final class OnnxGraphBackbone extends VisionModule implements VisionBackbone {

    /** The architecture name recorded in {@code backbone.json}. */
    public static final String ARCHITECTURE = "onnx";

    /**
     * What identifies the graph's features.
     *
     * @param featuresNode the graph value (or the node whose first output is it) holding the pooled features
     * @param featureDim   the width of those features, measured on import
     */
    public record Spec(String featuresNode, int featureDim) {

        /** Validates. */
        public Spec {
            if (featuresNode == null || featuresNode.isBlank() || featureDim < 1) {
                throw new IllegalArgumentException("an ONNX backbone needs a features node and a positive width, got '"
                        + featuresNode + "', " + featureDim);
            }
        }
    }

    private final Spec spec;

    /** The stand-in for a graph with features {@code spec}. */
    public OnnxGraphBackbone(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public String architecture() {
        return ARCHITECTURE;
    }

    @Override
    public int featureDim() {
        return spec.featureDim();
    }

    /** Always refuses: the graph runs on ONNX Runtime only. */
    @Override
    public NDArray features(ParameterStore ps, NDArray images, boolean training) {
        throw notRunnable();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw notRunnable();
    }

    @Override
    public List<LayerGroup> layerGroups() {
        return List.of();
    }

    /** Why this backbone cannot be run or trained in Java, and what to do instead. */
    public static IllegalArgumentException notRunnable() {
        return new IllegalArgumentException("This image backbone is an ONNX graph Graft cannot rebuild in Java (imported"
                + " with a features node): it extracts frozen features on ONNX Runtime at the input size it was imported"
                + " with, and cannot be fine-tuned. Use " + Arguments.name("strategy") + " feature-extraction without "
                + Arguments.name("imageSize") + ", or a backbone Graft builds (MobileNetV2 from ONNX, ResNet-18/34/50,"
                + " EfficientNet-B0) to fine-tune.");
    }
}
