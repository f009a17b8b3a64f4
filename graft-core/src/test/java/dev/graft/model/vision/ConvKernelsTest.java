package dev.graft.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.graft.model.torch.OpProfile;
import dev.graft.model.torch.OpTable;
import dev.graft.model.torch.TorchScriptFunction;
import dev.graft.model.vision.seg.TinySpecs;
import dev.graft.training.Learner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fused kernels (channels-last, convolution and clip in one TorchScript call) compute what DJL's ops compute: the
 * same logits and parameter gradients, and BatchNorm's running statistics change (or, kept, stay) as with DJL's ops.
 */
class ConvKernelsTest {

    private static final String FUSED_PRODUCT = "mkldnn::_linear_pointwise";

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
                if (!e.getValue().requiresGradient()) {
                    continue; // frozen
                }
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

    /**
     * EfficientNet-B0 at 32 px ends on 1×1 maps, where the old fused 1×1 kernel was wrong (its 320→1280 head
     * convolution; logits 38% off): with 1×1 convolutions as matrix products its fused logits and gradients are DJL's.
     * BatchNorm keeps its running statistics, as fine-tuning does by default (with batch statistics over four 1×1 maps
     * float32 rounding alone moves the logits by 2e-4).
     */
    @Test
    void fusedEfficientNetGivesDjlsLogitsAndGradients() {
        Map<ConvKernels, Pass> passes = new LinkedHashMap<>();
        for (ConvKernels k : new ConvKernels[] {ConvKernels.DJL, ConvKernels.FUSED}) {
            try (NDManager m = NDManager.newBaseManager()) {
                EfficientNet net = new EfficientNet(EfficientNetSpec.b0());
                ImageClassifierModel model = model(net, m);
                BatchNorm2d.keepRunningStatistics(net, true);
                Shape shape = new Shape(4, 3, 32, 32);
                passes.put(k, pass(model, k, m, gaussian(3, (int) shape.size(), 1.0), shape));
            }
        }
        assertArrayEquals(passes.get(ConvKernels.DJL).logits(), passes.get(ConvKernels.FUSED).logits(), 1e-4f);
        Map<String, float[]> djlGrads = passes.get(ConvKernels.DJL).grads();
        for (String name : djlGrads.keySet()) {
            double f = relative(passes.get(ConvKernels.FUSED).grads().get(name), djlGrads.get(name));
            assertTrue(f < 1e-3 || Double.isNaN(f), name + ": fused gradient differs by " + f);
        }
    }

    @Test
    void fusedResNetGivesDjlsResultsAndBatchNormStatisticsMoveOrStayAsWithDjl() {
        for (boolean batchStatistics : new boolean[] {true, false}) {
            Map<ConvKernels, float[]> stats = new LinkedHashMap<>();
            Map<ConvKernels, Pass> passes = new LinkedHashMap<>();
            for (ConvKernels k : new ConvKernels[] {ConvKernels.DJL, ConvKernels.FUSED}) {
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

    /** One convolution's output, and the gradients of its input and weight for a fixed upstream gradient. */
    private record ConvPass(float[] y, float[] inputGrad, float[] weightGrad) {
    }

    private static ConvPass convPass(Conv2dLayer conv, ConvKernels k, NDManager m, float[] pixels, Shape shape) {
        conv.setKernels(k);
        try (NDManager step = m.newSubManager()) {
            NDArray x = step.create(pixels, shape);
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = conv.apply(new ParameterStore(step, false), x, true);
                NDArray upstream = step.create(gaussian(7, (int) y.size(), 1.0), y.getShape());
                gc.backward(y.mul(upstream).sum());
            }
            NDArray w = conv.namedParameters().get("weight").getArray();
            float[] wg = w.getGradient().toFloatArray();
            w.getGradient().subi(w.getGradient());
            return new ConvPass(y.toFloatArray(), x.getGradient().toFloatArray(), wg);
        }
    }

    private static Conv2dLayer conv(int in, int out, int kernel, int stride, int groups, NDManager m) {
        Learner.seed(3);
        Conv2dLayer conv = new Conv2dLayer(in, out, kernel, stride, kernel / 2, groups, true);
        conv.initialize(m);
        conv.namedParameters().values().forEach(p -> p.freeze(false));
        return conv;
    }

    /**
     * libtorch 2.7's oneDNN 1×1 convolution on channels-last input gives wrong values on small maps (under 8×8 output
     * pixels) with 320+ channels — MobileNetV2's last block and final convolution, ResNet's last downsampling — 9–18%
     * off; the fused kernels compute 1×1 convolutions as matrix products instead.
     */
    @Test
    void fusedPointwiseConvolutionsOnSmallMapsGiveDjlsValuesAndGradients() {
        int[][] cases = {{960, 320, 1, 7}, {320, 1280, 1, 4}, {256, 512, 2, 14}};
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] c : cases) {
                Conv2dLayer conv = conv(c[0], c[1], 1, c[2], 1, m);
                Shape shape = new Shape(2, c[0], c[3], c[3]);
                float[] pixels = gaussian(1, (int) shape.size(), 1.0);
                ConvPass djl = convPass(conv, ConvKernels.DJL, m, pixels, shape);
                ConvPass fused = convPass(conv, ConvKernels.FUSED, m, pixels, shape);
                String what = c[0] + "→" + c[1] + " stride " + c[2] + " on " + c[3] + "×" + c[3];
                assertTrue(relative(fused.y(), djl.y()) < 1e-5, what + ": output differs by " + relative(fused.y(), djl.y()));
                assertTrue(relative(fused.inputGrad(), djl.inputGrad()) < 1e-5, what + ": input gradient");
                assertTrue(relative(fused.weightGrad(), djl.weightGrad()) < 1e-5, what + ": weight gradient");
            }
        }
    }

    /** The logits of an inference pass (no gradients recorded), with the per-op profile of that pass. */
    private record Inference(float[] logits, OpTable ops) {
    }

    private static Inference inference(ImageClassifierModel model, ConvKernels kernels, NDManager m, float[] pixels, Shape shape,
                                       Path trace) {
        model.setKernels(kernels);
        try (NDManager step = m.newSubManager(); OpProfile profile = OpProfile.start(trace)) {
            profile.markStep();
            NDArray logits = model.forward(new ParameterStore(step, false), new NDList(step.create(pixels, shape)), false)
                    .singletonOrThrow();
            float[] values = logits.toFloatArray();
            profile.markStep();
            return new Inference(values, profile.stop());
        }
    }

    /** A training pass with the fused kernels, with its per-op profile. */
    private record Profiled(Pass pass, OpTable ops) {
    }

    private static Profiled profiledPass(ImageClassifierModel model, NDManager m, float[] pixels, Shape shape, Path trace) {
        try (OpProfile profile = OpProfile.start(trace)) {
            profile.markStep();
            Pass pass = pass(model, ConvKernels.FUSED, m, pixels, shape);
            profile.markStep();
            return new Profiled(pass, profile.stop());
        }
    }

    /**
     * Where no gradient is recorded (inference, feature extraction, the frozen blocks of a training step) a float32
     * chain computes its 1×1 convolutions as oneDNN's product with the bias and the clip applied as it writes
     * ({@code mkldnn::_linear_pointwise}): the per-op profile shows that op ran, and the logits are DJL's. A training
     * pass keeps libtorch's differentiable product (the op does not appear).
     */
    @Test
    void inferenceTakesTheFusedProductAndGivesDjlsLogits(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageClassifierModel model = model(new MobileNetV2(TinySpecs.mobileNetV2()), m);
            Shape shape = new Shape(4, 3, 64, 64);
            float[] pixels = gaussian(1, (int) shape.size(), 2.0);
            Inference djl = inference(model, ConvKernels.DJL, m, pixels, shape, dir.resolve("djl.json"));
            Inference fused = inference(model, ConvKernels.FUSED, m, pixels, shape, dir.resolve("fused.json"));
            assertArrayEquals(djl.logits(), fused.logits(), 1e-4f);
            assertNotNull(fused.ops().row(FUSED_PRODUCT), "inference took the fused product");
            assertNull(djl.ops().row(FUSED_PRODUCT));
            Profiled training = profiledPass(model, m, pixels, shape, dir.resolve("training.json"));
            assertNull(training.ops().row(FUSED_PRODUCT), "a trainable block keeps the differentiable product");
            assertArrayEquals(djl.logits(), training.pass().logits(), 1e-4f, "dropout is off in the head: the same logits");
        }
    }

    /**
     * A frozen block inside a training step (gradients recorded, its weights frozen) takes the fused product too, and
     * the gradients of the trainable layers after it are the ones the differentiable product gives.
     */
    @Test
    void frozenBlocksInATrainingStepTakeTheFusedProductWithTheSameGradients(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageClassifierModel model = model(new MobileNetV2(TinySpecs.mobileNetV2()), m);
            Shape shape = new Shape(4, 3, 64, 64);
            float[] pixels = gaussian(1, (int) shape.size(), 2.0);
            model.namedParameters().forEach((name, p) -> p.freeze(!name.startsWith("head.")));
            Pass djl = pass(model, ConvKernels.DJL, m, pixels, shape);
            Profiled profiled = profiledPass(model, m, pixels, shape, dir.resolve("frozen.json"));
            Pass fused = profiled.pass();
            assertNotNull(profiled.ops().row(FUSED_PRODUCT), "the frozen backbone took the fused product");
            assertArrayEquals(djl.logits(), fused.logits(), 1e-4f);
            assertEquals(djl.grads().keySet(), fused.grads().keySet());
            assertTrue(fused.grads().keySet().stream().allMatch(n -> n.startsWith("head.")), fused.grads().keySet().toString());
            for (String name : djl.grads().keySet()) {
                double f = relative(fused.grads().get(name), djl.grads().get(name));
                assertTrue(f < 1e-4, name + ": gradient differs by " + f);
            }
        }
    }

    /** The fused product on the small maps where oneDNN's 1×1 convolution is wrong, with and without a stride. */
    @Test
    void fusedProductOnSmallMapsGivesDjlsValues() {
        int[][] cases = {{960, 320, 1, 7}, {320, 1280, 1, 4}, {256, 512, 2, 14}};
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] c : cases) {
                Conv2dLayer conv = conv(c[0], c[1], 1, c[2], 1, m);
                conv.namedParameters().values().forEach(p -> p.freeze(true));
                Shape shape = new Shape(2, c[0], c[3], c[3]);
                float[] pixels = gaussian(1, (int) shape.size(), 1.0);
                float[][] y = new float[2][];
                ConvKernels[] kernels = {ConvKernels.DJL, ConvKernels.FUSED};
                for (int k = 0; k < 2; k++) {
                    conv.setKernels(kernels[k]);
                    try (NDManager step = m.newSubManager()) {
                        y[k] = conv.apply(new ParameterStore(step, false), step.create(pixels, shape), false).toFloatArray();
                    }
                }
                String what = c[0] + "→" + c[1] + " stride " + c[2] + " on " + c[3] + "×" + c[3];
                assertTrue(relative(y[1], y[0]) < 1e-5, what + ": output differs by " + relative(y[1], y[0]));
            }
        }
    }

    /** The frozen path's module compiles on this libtorch (the fallback without it must not hide a broken source). */
    @Test
    void theFrozenPathCompiles() {
        ScriptedConv.Chain block = new ScriptedConv.Chain(java.util.List.of(
                new ScriptedConv.Shape(1, 1, 0, 1, new MobileNetV2Spec.Bounds(0f, 6f)),
                new ScriptedConv.Shape(3, 2, 1, 8, new MobileNetV2Spec.Bounds(0f, 6f)),
                new ScriptedConv.Shape(1, 1, 0, 1, null)), false, false, null);
        String source = ScriptedConv.source(block, true);
        assertTrue(source.contains(FUSED_PRODUCT.replace("::", ".")), source);
        TorchScriptFunction.compile(block.className() + "_check", source.replace(block.className(), block.className() + "_check"));
    }

        /**
     * In bfloat16 every kind of MobileNetV2 convolution computes its output and both gradients to bfloat16's precision
     * (a relative error near 2⁻⁹): the stem, pointwise expansions and projections, and depthwise convolutions with
     * stride 1 and 2 (libtorch 2.7's strided bfloat16 depthwise kernel gets the input gradient wrong; Graft samples the
     * stride-1 convolution instead).
     */
    @Test
    void bf16ConvolutionsMatchFloat32ToBfloat16Precision() {
        int[][] cases = {{3, 32, 3, 2, 1, 32}, {96, 96, 3, 2, 96, 28}, {144, 144, 3, 1, 144, 14}, {24, 144, 1, 1, 1, 14},
            {144, 24, 1, 1, 1, 14}, {960, 320, 1, 1, 1, 7}};
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] c : cases) {
                Conv2dLayer conv = conv(c[0], c[1], c[2], c[3], c[4], m);
                Shape shape = new Shape(4, c[0], c[5], c[5]);
                float[] pixels = gaussian(2, (int) shape.size(), 1.0);
                ConvPass fp32 = convPass(conv, ConvKernels.FUSED, m, pixels, shape);
                ConvPass bf16 = convPass(conv, ConvKernels.FUSED_BF16, m, pixels, shape);
                String what = c[0] + "→" + c[1] + " k" + c[2] + " stride " + c[3] + " groups " + c[4];
                for (double e : new double[] {relative(bf16.y(), fp32.y()), relative(bf16.inputGrad(), fp32.inputGrad()),
                    relative(bf16.weightGrad(), fp32.weightGrad())}) {
                    assertTrue(e < 1e-2 && e > 1e-5, what + ": bf16 differs from fp32 by " + e
                            + " (output, input gradient, weight gradient: " + relative(bf16.y(), fp32.y()) + ", "
                            + relative(bf16.inputGrad(), fp32.inputGrad()) + ", "
                            + relative(bf16.weightGrad(), fp32.weightGrad()) + ")");
                }
            }
        }
    }

    /** A whole MobileNetV2 in bfloat16 (each block one chain) stays close to float32: logits and every gradient. */
    @Test
    void bf16MobileNetV2BlocksStayCloseToFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageClassifierModel model = model(new MobileNetV2(TinySpecs.mobileNetV2()), m);
            Shape shape = new Shape(4, 3, 64, 64);
            float[] pixels = gaussian(1, (int) shape.size(), 1.0);
            Pass fused = pass(model, ConvKernels.FUSED, m, pixels, shape);
            Pass bf16 = pass(model, ConvKernels.FUSED_BF16, m, pixels, shape);
            double logits = relative(bf16.logits(), fused.logits());
            assertTrue(logits > 1e-5 && logits < 2e-2, "bf16 logits differ from fp32 by " + logits);
            for (String name : fused.grads().keySet()) {
                double e = relative(bf16.grads().get(name), fused.grads().get(name));
                // bfloat16's rounding compounds toward the stem (about 0.007 at the head, 0.2 at the stem here); a
                // wrong kernel gives errors near 1 (the strided depthwise input gradient did)
                assertTrue(e < 0.35, name + ": bf16 gradient differs from fp32 by " + e);
            }
        }
    }
}
