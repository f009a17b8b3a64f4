package dev.graft.model.vision.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.model.vision.ConvKernels;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.ResNet;
import dev.graft.model.vision.ResNetSpec;
import dev.graft.model.vision.VisionModule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Segmentation trains with the fused kernels: the encoder's and the decoder's convolutions give DJL's logits and
 * parameter gradients, with either decoder, over a MobileNetV2 and a ResNet encoder.
 */
class SegmentationKernelsTest {

    private record Pass(float[] logits, Map<String, float[]> grads) {
    }

    private static Pass pass(SegmentationNet net, ConvKernels k, NDManager m, float[] pixels, Shape shape) {
        assertTrue(net.setKernels(k) > 0);
        try (NDManager step = m.newSubManager()) {
            NDArray logits;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                logits = net.logits(new ParameterStore(step, false), step.create(pixels, shape), true);
                NDArray upstream = step.create(gaussian(7, (int) logits.size()), logits.getShape());
                gc.backward(logits.mul(upstream).sum());
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                NDArray g = e.getValue().getArray().getGradient();
                grads.put(e.getKey(), g.toFloatArray());
                g.subi(g);
            }
            return new Pass(logits.toFloatArray(), grads);
        }
    }

    private static float[] gaussian(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static double relative(float[] a, float[] b) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (double) (a[i] - b[i]);
            n += b[i] * (double) b[i];
        }
        return Math.sqrt(d / n);
    }

    private static void assertFusedMatchesDjl(VisionModule encoder, DecoderKind kind) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            encoder.initialize(m);
            SegmentationNet net = new SegmentationNet((dev.graft.model.vision.MultiScaleEncoder) encoder, 3, kind);
            net.initializeDecoder(m);
            net.namedParameters().values().forEach(p -> p.freeze(false));
            // non-zero biases, so that no pre-activation sits exactly on a clip bound (where ReLU6's subgradients differ)
            Random r = new Random(9);
            for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                if (e.getKey().endsWith(".bias") && !e.getKey().contains("bn")) {
                    NDArray bias = e.getValue().getArray();
                    bias.set(new NDIndex("..."), m.create(gaussian(r.nextLong(), (int) bias.size())).mul(0.3f).reshape(bias.getShape()));
                }
            }
            Shape shape = new Shape(2, 3, 64, 64);
            float[] pixels = gaussian(1, (int) shape.size());
            Pass djl = pass(net, ConvKernels.DJL, m, pixels, shape);
            Pass fused = pass(net, ConvKernels.FUSED, m, pixels, shape);
            assertArrayEquals(djl.logits(), fused.logits(), 1e-4f, kind + " logits");
            assertEquals(djl.grads().keySet(), fused.grads().keySet());
            for (String name : djl.grads().keySet()) {
                double e = relative(fused.grads().get(name), djl.grads().get(name));
                assertTrue(e < 1e-3 || Double.isNaN(e), kind + " " + name + ": fused gradient differs by " + e);
            }
        }
    }

    @Test
    void aMobileNetV2EncoderWithEitherDecoderGivesDjlsLogitsAndGradientsFused() {
        for (DecoderKind kind : DecoderKind.values()) {
            assertFusedMatchesDjl(new MobileNetV2(TinySpecs.mobileNetV2()), kind);
        }
    }

    @Test
    void aResNetEncoderGivesDjlsLogitsAndGradientsFused() {
        ResNet encoder = new ResNet(ResNetSpec.resnet18().withWidth(4));
        dev.graft.model.vision.BatchNorm2d.keepRunningStatistics(encoder, true);
        assertFusedMatchesDjl(encoder, DecoderKind.UNET);
    }
}
