package dev.graft.artifact.export;

import ai.djl.nn.Parameter;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.MobileNetV2Spec;
import dev.graft.tensor.onnx.OnnxAttr;
import dev.graft.tensor.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link MobileNetV2}'s feature extractor as ONNX nodes (opset 17), computing what the module computes in
 * inference mode: the input clip, each convolution (BatchNorm already folded into its bias, as Graft keeps it) followed
 * by its Clip (ReLU6 or the per-layer bounds of the source graph), the residual Adds with their clips, global average
 * pooling and the pooled clip.
 */
final class MobileNetV2OnnxGraph {

    private final OnnxGraphBuilder g;
    private final Map<String, Parameter> params;

    private MobileNetV2OnnxGraph(OnnxGraphBuilder g, MobileNetV2 model) {
        this.g = g;
        this.params = model.namedParameters();
    }

    /** Adds the nodes reading {@code images [batch, 3, H, W]} and returns the features' name {@code [batch, featureDim]}. */
    static String append(OnnxGraphBuilder g, MobileNetV2 model, String images) {
        return new MobileNetV2OnnxGraph(g, model).features(model.spec(), images);
    }

    private String features(MobileNetV2Spec spec, String images) {
        String x = clip(images, spec.inputClip(), "input_clip");
        x = conv(x, spec.stem(), "features.0.0");
        for (int i = 0; i < spec.blocks().size(); i++) {
            MobileNetV2Spec.BlockSpec b = spec.blocks().get(i);
            String y = x;
            for (int j = 0; j < b.convs().size(); j++) {
                y = conv(y, b.convs().get(j), "features." + (i + 1) + ".conv." + j + ".0");
            }
            x = b.residual() ? clip(g.node("Add", List.of(x, y), "features." + (i + 1) + ".add"), b.addClip(), "features." + (i + 1) + ".add_clip")
                    : y;
        }
        x = conv(x, spec.last(), "features." + (spec.blocks().size() + 1) + ".0");
        String pooled = g.node("Reshape", List.of(g.node("GlobalAveragePool", List.of(x), "pool"), g.ints("pool/flat_shape", 0, -1)),
                "pool/flat");
        return clip(pooled, spec.poolClip(), "pool_clip");
    }

    private String conv(String x, MobileNetV2Spec.ConvSpec c, String name) {
        String w = weight(name + ".weight");
        String b = weight(name + ".bias");
        String y = g.node("Conv", List.of(x, w, b), name, OnnxAttr.ints("kernel_shape", c.kernel(), c.kernel()),
                OnnxAttr.ints("strides", c.stride(), c.stride()), OnnxAttr.ints("pads", c.padding(), c.padding(), c.padding(), c.padding()),
                OnnxAttr.ints("dilations", 1, 1), OnnxAttr.of("group", (long) c.groups()));
        return clip(y, c.clip(), name + "_clip");
    }

    private String clip(String x, MobileNetV2Spec.Bounds b, String name) {
        if (b == null) {
            return x;
        }
        return g.node("Clip", List.of(x, g.scalar(name + "/min", b.min()), g.scalar(name + "/max", b.max())), name);
    }

    private String weight(String name) {
        Parameter p = params.get(name);
        if (p == null) {
            throw new IllegalStateException("the MobileNetV2 module has no parameter " + name);
        }
        return g.initializer(name, p.getArray().getShape().getShape(), p.getArray().toFloatArray());
    }
}
