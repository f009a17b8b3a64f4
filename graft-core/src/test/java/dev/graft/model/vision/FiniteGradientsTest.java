package dev.graft.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.training.Learner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * With every block unfrozen, one backward pass gives every parameter a finite gradient — the stem included. The
 * CPU kernels' input gradient of a dense convolution with few output channels used to hold NaN now and then (see
 * {@link ChannelPadding}); a narrow ResNet has such convolutions in every block, so each pass is a fresh chance
 * for it to show.
 */
class FiniteGradientsTest {

    private static final int PASSES = 12;

    @Test
    void everyParameterOfANarrowResNetGetsAFiniteGradientWithEveryBlockUnfrozen() {
        for (ConvKernels kernels : new ConvKernels[] {ConvKernels.DJL, ConvKernels.FUSED}) {
            for (boolean batchStatistics : new boolean[] {false, true}) {
                try (NDManager m = NDManager.newBaseManager()) {
                    Learner.seed(1);
                    ResNet net = new ResNet(ResNetSpec.resnet18().withWidth(4));
                    net.initialize(m);
                    BatchNorm2d.keepRunningStatistics(net, !batchStatistics);
                    assertFiniteGradients(net, m, 32, PASSES, 7, kernels);
                }
            }
        }
    }

    @Test
    void everyParameterOfMobileNetV2GetsAFiniteGradientWithEveryBlockUnfrozen() {
        Path onnx = SharedModels.mobileNetOnnx().orElse(null);
        assumeTrue(onnx != null, "../shared/models/mobilenetv2-12-dequantized-fp32.onnx not present");
        try (NDManager m = NDManager.newBaseManager()) {
            MobileNetV2 net = VisionBackbones.mobileNetV2FromOnnx(onnx, m);
            assertFiniteGradients(net, m, 64, 3, 11, ConvKernels.FUSED);
        }
    }

    @Test
    void aConvolutionWithFewOutputChannelsComputesWhatThePlainKernelComputesWithFiniteInputGradients() {
        assertTrue(ChannelPadding.applies(16, 8, 3, 1));
        assertTrue(!ChannelPadding.applies(16, 32, 3, 1) && !ChannelPadding.applies(16, 8, 1, 1)
                && !ChannelPadding.applies(8, 8, 3, 8) && !ChannelPadding.applies(3, 16, 7, 1),
                "multiples of 16, 1x1, grouped convolutions and 3-channel stems run unchanged");
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2dLayer conv = seeded3x3(16, 8, 2, m);
            conv.namedParameters().get("bias").getArray().set(new NDIndex("..."), 0.25f);
            NDArray w = conv.namedParameters().get("weight").getArray();
            NDArray b = conv.namedParameters().get("bias").getArray();
            for (int pass = 0; pass < 40; pass++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.create(gaussian(r, 4 * 16 * 16 * 16), new Shape(4, 16, 16, 16));
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = conv.apply(new ParameterStore(step, false), x, true);
                        assertEquals(new Shape(4, 8, 16, 16), y.getShape());
                        if (pass == 0) {
                            NDArray plain = Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
                            assertArrayEquals(plain.toFloatArray(), y.toFloatArray(), 1e-5f, "the same convolution");
                        }
                        gc.backward(ai.djl.nn.Activation.relu(y).mean());
                    }
                    assertAllFinite(x.getGradient().toFloatArray(), "input gradient, pass " + pass);
                    assertAllFinite(w.getGradient().toFloatArray(), "weight gradient, pass " + pass);
                    w.getGradient().set(new NDIndex("..."), 0f);
                    b.getGradient().set(new NDIndex("..."), 0f);
                }
            }
        }
    }

    /**
     * More than 16 input channels, not whole blocks: the plain kernel's forward pass gave NaN in 5 of 16 passes here
     * (24 → 16 channels, 3×3, batch 4, 64×64) when the memory it got had held NaN; the padded path gives the plain
     * kernel's values, finite, every pass.
     */
    @Test
    void aConvolutionWithAPartialInputBlockComputesWhatThePlainKernelComputesFinitelyWhateverTheMemoryHeld() {
        assertTrue(ChannelPadding.applies(24, 16, 3, 1) && ChannelPadding.applies(40, 32, 3, 1));
        assertTrue(!ChannelPadding.applies(12, 16, 3, 1) && !ChannelPadding.applies(24, 16, 1, 1),
                "up to one block of input channels, and 1x1 convolutions, run unchanged");
        Random r = new Random(5);
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2dLayer conv = seeded3x3(24, 16, 4, m);
            NDArray w = conv.namedParameters().get("weight").getArray();
            NDArray b = conv.namedParameters().get("bias").getArray();
            float[] gaussian = gaussian(r, 4 * 24 * 64 * 64);
            float[] reference = null;
            for (int pass = 0; pass < 16; pass++) {
                try (NDManager step = m.newSubManager()) {
                    for (int k = 12; k < 22; k++) {
                        step.full(new Shape(1L << k), Float.NaN).close(); // memory the kernel may be given next
                    }
                    NDArray x = step.create(gaussian, new Shape(4, 24, 64, 64));
                    float[] y = conv.apply(new ParameterStore(step, false), x, false).toFloatArray();
                    assertAllFinite(y, "output, pass " + pass);
                    if (reference == null) {
                        NDArray xPadded = NDArrays.concat(new NDList(x, step.zeros(new Shape(4, 8, 64, 64))), 1);
                        NDArray wPadded = NDArrays.concat(new NDList(w, step.zeros(new Shape(16, 8, 3, 3))), 1);
                        reference = Conv2d.conv2d(xPadded, wPadded, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                                .singletonOrThrow().toFloatArray();
                        assertArrayEquals(reference, y, 1e-5f, "the same convolution");
                    }
                    assertArrayEquals(reference, y, "pass " + pass + " computes what pass 0 did");
                }
            }
        }
    }

    /**
     * Backbone + a 2-class head, every parameter trainable, convolutions computed with {@code kernels}; {@code passes}
     * backward passes on Gaussian images.
     */
    private static void assertFiniteGradients(VisionBackbone backbone, NDManager m, int size, int passes, long seed,
                                              ConvKernels kernels) {
        ClassifierHead head = new ClassifierHead(new HeadConfig(backbone.featureDim(), 2, 0, 0.1));
        head.initialize(m);
        ImageClassifierModel model = new ImageClassifierModel(backbone, head);
        model.setKernels(kernels);
        model.namedParameters().values().forEach(p -> p.freeze(false));
        Random r = new Random(seed);
        for (int pass = 0; pass < passes; pass++) {
            try (NDManager step = m.newSubManager()) {
                NDArray images = step.create(gaussian(r, 4 * 3 * size * size), new Shape(4, 3, size, size));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.forward(new ParameterStore(step, false), new NDList(images), true).singletonOrThrow();
                    gc.backward(Learner.crossEntropy(logits, step.create(new long[] {0, 1, 0, 1})));
                }
                List<String> nonFinite = new ArrayList<>();
                for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                    NDArray g = e.getValue().getArray().getGradient();
                    if (!allFinite(g.toFloatArray())) {
                        nonFinite.add(e.getKey());
                    }
                    g.set(new NDIndex("..."), 0f);
                }
                assertTrue(nonFinite.isEmpty(), "pass " + pass + ": non-finite gradients in " + nonFinite);
            }
        }
    }

    /** A 3×3, stride-1, padding-1 convolution with a bias, initialised after seeding with {@code seed}. */
    private static Conv2dLayer seeded3x3(int in, int out, long seed, NDManager m) {
        Conv2dLayer conv = new Conv2dLayer(in, out, 3, 1, 1, 1, true);
        Learner.seed(seed);
        conv.initialize(m);
        return conv;
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static boolean allFinite(float[] v) {
        for (float f : v) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }

    private static void assertAllFinite(float[] v, String what) {
        assertTrue(allFinite(v), what + " holds a non-finite value");
    }
}
