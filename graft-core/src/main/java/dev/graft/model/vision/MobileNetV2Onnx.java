package dev.graft.model.vision;

import dev.graft.tensor.TensorData;
import dev.graft.tensor.onnx.OnnxAttribute;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.tensor.onnx.OnnxNode;
import dev.graft.tensor.onnx.OnnxTensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a MobileNetV2 architecture and its weights from an ONNX graph by following the data flow
 * from the input: Conv (+Clip) units, inverted residual blocks (expansion, depthwise, projection,
 * and an Add with the block input when there is a residual), the final 1×1 conv, global average
 * pooling, and the MatMul/Add classifier. Every Clip's bounds are read from the graph (inputs or,
 * before opset 11, attributes). A graph of another shape is refused with the node where it differs.
 */
public final class MobileNetV2Onnx {

    /**
     * The imported network.
     *
     * @param spec    the architecture
     * @param weights tensors by the module's parameter names (classifier included when present)
     * @param featureValue name of the graph value holding the pooled features (after its Clip, if any)
     */
    public record Imported(MobileNetV2Spec spec, Map<String, TensorData> weights, String featureValue) {
    }

    private final OnnxGraph graph;
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();
    private final Map<String, TensorData> weights = new LinkedHashMap<>();

    private MobileNetV2Onnx(OnnxGraph graph) {
        this.graph = graph;
        for (OnnxNode n : graph.nodes()) {
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
    }

    /** Imports the architecture and weights of {@code graph}. */
    public static Imported read(OnnxGraph graph) throws IOException {
        return new MobileNetV2Onnx(graph).run();
    }

    private record Unit(MobileNetV2Spec.ConvSpec spec, TensorData weight, TensorData bias, String out) {
    }

    private record Clipped(MobileNetV2Spec.Bounds bounds, String out) {
    }

    private Imported run() throws IOException {
        String input = graph.inputs().stream().filter(i -> graph.rawInitializer(i).isEmpty()).findFirst()
                .orElseThrow(() -> fail("the graph has no image input"));
        Clipped in = clipAfter(input);
        String v = in.out();
        Unit stem = conv(only(v, "Conv"));
        put("features.0.0", stem);
        v = stem.out();
        List<MobileNetV2Spec.BlockSpec> blocks = new ArrayList<>();
        MobileNetV2Spec.ConvSpec last = null;
        while (true) {
            String blockInput = v;
            List<Unit> units = new ArrayList<>();
            boolean sawDepthwise = false;
            OnnxNode next;
            while ((next = consumer(v, "Conv")) != null) {
                Unit u = conv(next);
                units.add(u);
                v = u.out();
                if (u.spec().groups() > 1) {
                    sawDepthwise = true;
                } else if (sawDepthwise) {
                    break;
                }
            }
            if (!sawDepthwise) {
                if (units.size() != 1 || consumer(v, "GlobalAveragePool") == null) {
                    throw fail("expected the final 1x1 convolution followed by GlobalAveragePool after value '" + blockInput + "'");
                }
                last = units.get(0).spec();
                put("features." + (blocks.size() + 1) + ".0", units.get(0));
                break;
            }
            int index = blocks.size() + 1;
            for (int j = 0; j < units.size(); j++) {
                put("features." + index + ".conv." + j + ".0", units.get(j));
            }
            OnnxNode add = consumer(v, "Add");
            boolean residual = add != null && add.inputs().contains(blockInput);
            MobileNetV2Spec.Bounds addClip = null;
            if (residual) {
                Clipped c = clipAfter(add.outputs().get(0));
                addClip = c.bounds();
                v = c.out();
            }
            blocks.add(new MobileNetV2Spec.BlockSpec(units.stream().map(Unit::spec).toList(), residual, addClip));
        }
        OnnxNode gap = consumer(v, "GlobalAveragePool");
        Clipped pooled = clipAfter(gap.outputs().get(0));
        v = pooled.out();
        // optional Flatten/Reshape, then MatMul (+Clip) and Add (+Clip), or Gemm
        OnnxNode n = firstConsumer(v);
        while (n != null && (n.opType().equals("Reshape") || n.opType().equals("Flatten"))) {
            v = n.outputs().get(0);
            n = firstConsumer(v);
        }
        MobileNetV2Spec.Bounds mmClip = null;
        MobileNetV2Spec.Bounds logitsClip = null;
        int classes = 0;
        if (n != null && n.opType().equals("MatMul")) {
            TensorData w = init(n.inputs().get(1));
            classes = (int) w.shape()[1];
            weights.put("classifier.1.weight", w.transposed2d().renamed("classifier.1.weight"));
            Clipped c = clipAfter(n.outputs().get(0));
            mmClip = c.bounds();
            OnnxNode add = only(c.out(), "Add");
            String biasName = add.inputs().get(0).equals(c.out()) ? add.inputs().get(1) : add.inputs().get(0);
            weights.put("classifier.1.bias", init(biasName).renamed("classifier.1.bias"));
            logitsClip = clipAfter(add.outputs().get(0)).bounds();
        } else if (n != null && n.opType().equals("Gemm")) {
            TensorData w = init(n.inputs().get(1));
            OnnxAttribute tb = n.attribute("transB");
            boolean transposed = tb != null && tb.i() == 1;
            TensorData wt = transposed ? w : w.transposed2d();
            classes = (int) wt.shape()[0];
            weights.put("classifier.1.weight", wt.renamed("classifier.1.weight"));
            weights.put("classifier.1.bias", init(n.inputs().get(2)).renamed("classifier.1.bias"));
            logitsClip = clipAfter(n.outputs().get(0)).bounds();
        }
        MobileNetV2Spec spec = new MobileNetV2Spec(in.bounds(), stem.spec(), blocks, last, pooled.bounds(), mmClip, logitsClip, classes);
        return new Imported(spec, weights, pooled.out());
    }

    private void put(String prefix, Unit u) {
        weights.put(prefix + ".weight", u.weight().renamed(prefix + ".weight"));
        weights.put(prefix + ".bias", u.bias().renamed(prefix + ".bias"));
    }

    private Unit conv(OnnxNode n) throws IOException {
        TensorData w = init(n.inputs().get(1));
        if (n.inputs().size() < 3 || n.inputs().get(2).isEmpty()) {
            throw fail("Conv node '" + n.name() + "' has no bias; expected BatchNorm folded into the convolution");
        }
        TensorData b = init(n.inputs().get(2));
        long[] ks = ints(n, "kernel_shape", new long[] {w.shape()[2], w.shape()[3]});
        long[] st = ints(n, "strides", new long[] {1, 1});
        long[] pads = ints(n, "pads", new long[] {0, 0, 0, 0});
        long[] dil = ints(n, "dilations", new long[] {1, 1});
        OnnxAttribute g = n.attribute("group");
        int groups = g == null ? 1 : (int) g.i();
        if (ks[0] != ks[1] || st[0] != st[1] || pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3]
                || dil[0] != 1 || dil[1] != 1) {
            throw fail("Conv node '" + n.name() + "' has a non-square kernel, asymmetric padding or dilation, which MobileNetV2 does not use");
        }
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1] * groups;
        Clipped c = clipAfter(n.outputs().get(0));
        MobileNetV2Spec.ConvSpec spec = new MobileNetV2Spec.ConvSpec(in, out, (int) ks[0], (int) st[0], (int) pads[0], groups, c.bounds());
        return new Unit(spec, w, b, c.out());
    }

    private static long[] ints(OnnxNode n, String name, long[] dflt) {
        OnnxAttribute a = n.attribute(name);
        return a == null ? dflt : a.ints();
    }

    /** The Clip consuming {@code value} (its bounds and output), or no bounds and the value itself. */
    private Clipped clipAfter(String value) throws IOException {
        OnnxNode c = consumer(value, "Clip");
        if (c == null) {
            return new Clipped(null, value);
        }
        float lo;
        float hi;
        if (c.inputs().size() >= 3) {
            lo = scalar(c.inputs().get(1), Float.NEGATIVE_INFINITY);
            hi = scalar(c.inputs().get(2), Float.POSITIVE_INFINITY);
        } else {
            lo = c.attribute("min") == null ? Float.NEGATIVE_INFINITY : c.attribute("min").f();
            hi = c.attribute("max") == null ? Float.POSITIVE_INFINITY : c.attribute("max").f();
        }
        return new Clipped(new MobileNetV2Spec.Bounds(lo, hi), c.outputs().get(0));
    }

    private float scalar(String name, float dflt) throws IOException {
        if (name.isEmpty()) {
            return dflt;
        }
        OnnxTensor t = graph.constant(name).orElseThrow(() -> fail("Clip bound '" + name + "' is not a constant"));
        return (float) t.scalarValue();
    }

    private TensorData init(String name) throws IOException {
        return graph.initializer(name).orElseThrow(() -> fail("'" + name + "' is not an initializer"));
    }

    private OnnxNode consumer(String value, String op) {
        for (OnnxNode n : consumers.getOrDefault(value, List.of())) {
            if (n.opType().equals(op)) {
                return n;
            }
        }
        return null;
    }

    private OnnxNode firstConsumer(String value) {
        List<OnnxNode> c = consumers.getOrDefault(value, List.of());
        return c.isEmpty() ? null : c.get(0);
    }

    private OnnxNode only(String value, String op) {
        OnnxNode n = consumer(value, op);
        if (n == null) {
            throw fail("expected a " + op + " node reading '" + value + "'");
        }
        return n;
    }

    private IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("ONNX graph " + graph.source() + " is not a MobileNetV2 this importer understands: " + what);
    }
}
