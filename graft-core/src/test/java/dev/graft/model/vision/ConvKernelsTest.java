package dev.graft.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.vision.seg.TinySpecs;
import dev.graft.training.Learner;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused kernels (channels-last, convolution and clip in one TorchScript call) compute what DJL's ops compute: the
 * same logits and parameter gradients, and BatchNorm's running statistics change (or, kept, stay) as with DJL's ops.
 */
class ConvKernelsTest {

    /** Logits and every parameter's gradient after one forward/backward pass. */
    private record Pass(float[] logits, Map<String, float[]> grads) {
    }

    private static Pass pass(ImageClassifierModel model, ConvKernels kernels, NDManager m, float[] pixels, Shape shape) {
        model.setKernels(kernels);
        Learner.seed(11); // the same dropout / drop-path draws in every pass
        try (NDManager step = m.newSubManager()) {
            NDArray images = step.create(pixels, shape);
            NDArray logits;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                logits = model.forward(new ParameterStore(step, false), new NDList(images), true).singletonOrThrow();
                gc.backward(Learner.crossEntropy(logits, step.create(new long[] {0, 1, 2, 0})));
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                NDArray g = e.getValue().getArray().getGradient();
                grads.put(e.getKey(), g.toFloatArray());
                g.subi(g);
            }
            return new Pass(logits.toFloatArray(), grads);
        }
    }

    private static ImageClassifierModel model(VisionModule backbone, NDManager m) {
        Learner.seed(5);
        backbone.initialize(m);
        VisionBackbone b = (VisionBackbone) backbone;
        ClassifierHead head = new ClassifierHead(new HeadConfig(b.featureDim(), 3, 0, 0.0));
        head.initialize(m);
        ImageClassifierModel model = new ImageClassifierModel(b, head);
        model.namedParameters().values().forEach(p -> p.freeze(false));
        // non-zero biases: with zero biases a convolution of an all-zero patch gives exactly the clip's lower bound,
        // where ReLU6's two subgradients (DJL's clip: 1, torchvision's in-place hardtanh: 0) differ
        Random r = new Random(9);
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (e.getKey().startsWith("backbone.") && e.getKey().endsWith(".bias") && !e.getKey().contains("bn")) {
                NDArray bias = e.getValue().getArray();
                bias.set(new ai.djl.ndarray.index.NDIndex("..."), m.create(gaussian(r.nextLong(), (int) bias.size(), 0.3),
                        bias.getShape()));
            }
        }
        return model;
    }

    private static float[] gaussian(long seed, int n, double scale) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    /** ‖a − b‖ / ‖b‖. */
    private static double relative(float[] a, float[] b) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (double) (a[i] - b[i]);
            n += b[i] * (double) b[i];
        }
        return Math.sqrt(d / n);
    }

    @Test
    void fusedMobileNetV2GivesDjlsLogitsAndGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            // the stem (3→8, 3×3) also takes ChannelPadding's path; pixels ×2 so that the ReLU6 bounds clip
            ImageClassifierModel model = model(new MobileNetV2(TinySpecs.mobileNetV2()), m);
            Shape shape = new Shape(4, 3, 64, 64);
            float[] pixels = gaussian(1, (int) shape.size(), 2.0);
            Pass djl = pass(model, ConvKernels.DJL, m, pixels, shape);
            Pass fused = pass(model, ConvKernels.FUSED, m, pixels, shape);
            Pass djlAgain = pass(model, ConvKernels.DJL, m, pixels, shape);
            assertArrayEquals(djl.logits(), djlAgain.logits(), 0f, "switching kernels leaves no trace");
            assertArrayEquals(djl.logits(), fused.logits(), 1e-4f);
            assertEquals(djl.grads().keySet(), fused.grads().keySet());
            for (String name : djl.grads().keySet()) {
                float[] ref = djl.grads().get(name);
                double f = relative(fused.grads().get(name), ref);
                assertTrue(f < 1e-3, name + ": fused gradient differs by " + f);
            }
        }
    }

    @Test
    void fusedResNetGivesDjlsResultsAndBatchNormStatisticsMoveOrStayAsWithDjl() {
        for (boolean batchStatistics : new boolean[] {true, false}) {
            Map<ConvKernels, float[]> stats = new LinkedHashMap<>();
            Map<ConvKernels, Pass> passes = new LinkedHashMap<>();
            for (ConvKernels k : ConvKernels.values()) {
                try (NDManager m = NDManager.newBaseManager()) {
                    ResNet net = new ResNet(ResNetSpec.resnet18().withWidth(4)); // 3×3 convolutions with 4..32 outputs
                    ImageClassifierModel model = model(net, m);
                    BatchNorm2d.keepRunningStatistics(net, !batchStatistics);
                    Shape shape = new Shape(4, 3, 32, 32);
                    float[] before = net.namedBuffers().get("bn1.running_mean").getArray().toFloatArray();
                    passes.put(k, pass(model, k, m, gaussian(2, (int) shape.size(), 1.0), shape));
                    float[] after = net.namedBuffers().get("bn1.running_mean").getArray().toFloatArray();
                    assertEquals(batchStatistics, !java.util.Arrays.equals(before, after),
                            k + ": running statistics " + (batchStatistics ? "should move" : "should stay"));
                    stats.put(k, after);
                }
            }
            assertArrayEquals(stats.get(ConvKernels.DJL), stats.get(ConvKernels.FUSED), 1e-5f);
            assertArrayEquals(passes.get(ConvKernels.DJL).logits(), passes.get(ConvKernels.FUSED).logits(), 1e-4f);
            Map<String, float[]> djlGrads = passes.get(ConvKernels.DJL).grads();
            for (String name : djlGrads.keySet()) {
                double f = relative(passes.get(ConvKernels.FUSED).grads().get(name), djlGrads.get(name));
                assertTrue(f < 1e-3, name + ": fused gradient differs by " + f);
            }
        }
    }
}
