package dev.graft.model.vision.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.MobileNetV2Spec;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TiledInferenceTest {

    private static float[] image(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] x = new float[3 * w * h];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** Two 3×3 convolutions (receptive radius 2) and a softmax over 2 classes. */
    private static UnaryOperator<NDArray> localModel(NDManager nd) {
        NDArray w1 = nd.randomNormal(new Shape(4, 3, 3, 3));
        NDArray w2 = nd.randomNormal(new Shape(2, 4, 3, 3));
        return x -> {
            NDArray y = Conv2d.conv2d(x, w1.duplicate(), null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow().tanh();
            return Conv2d.conv2d(y, w2.duplicate(), null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow().softmax(1);
        };
    }

    @Test
    void tilesMatchTheWholeImageForAModelWhoseReachIsWithinTheMargin() {
        try (NDManager nd = NDManager.newBaseManager()) {
            nd.getEngine().setRandomSeed(3);
            UnaryOperator<NDArray> model = localModel(nd);
            int w = 150;
            int h = 100;
            float[] x = image(w, h, 1);
            float[] whole = new TiledInference(192, 0).probabilities(x, w, h, 2, model, nd);
            TiledInference tiles = new TiledInference(64, 32); // margin 8 ≥ radius 2
            assertTrue(tiles.starts(160, 64).size() > 2);
            float[] tiled = tiles.probabilities(x, w, h, 2, model, nd);
            assertEquals(2 * w * h, tiled.length);
            for (int i = 0; i < whole.length; i++) {
                assertEquals(whole[i], tiled[i], 1e-5, "output " + i);
            }
        }
    }

    @Test
    void withoutOverlapTileSeamsDifferSoTheBlendIsWhatMakesThemMatch() {
        try (NDManager nd = NDManager.newBaseManager()) {
            nd.getEngine().setRandomSeed(3);
            UnaryOperator<NDArray> model = localModel(nd);
            float[] x = image(128, 128, 2);
            float[] whole = new TiledInference(128, 0).probabilities(x, 128, 128, 2, model, nd);
            float[] seams = new TiledInference(64, 0).probabilities(x, 128, 128, 2, model, nd);
            double maxDiff = 0;
            for (int i = 0; i < whole.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(whole[i] - seams[i]));
            }
            assertTrue(maxDiff > 1e-3, "tiles without overlap should show their seams, max diff " + maxDiff);
        }
    }

    @Test
    void segmentationNetTiledAgreesWithWholeImageWhereBothFit() {
        try (NDManager nd = NDManager.newBaseManager()) {
            nd.getEngine().setRandomSeed(5);
            MobileNetV2 encoder = new MobileNetV2(TinySpecs.mobileNetV2());
            encoder.initialize(nd);
            SegmentationNet net = new SegmentationNet(encoder, 2);
            net.initializeDecoder(nd);
            UnaryOperator<NDArray> model = in -> net.logits(new ParameterStore(in.getManager(), false), in, false).softmax(1);
            float[] x = image(256, 256, 4);
            float[] whole = new TiledInference(256, 0).probabilities(x, 256, 256, 2, model, nd);
            float[] tiled = new TiledInference(128, 64).probabilities(x, 256, 256, 2, model, nd);
            int[] a = dev.graft.task.SegmentationTask.argmax(whole, 2);
            int[] b = dev.graft.task.SegmentationTask.argmax(tiled, 2);
            int same = 0;
            for (int i = 0; i < a.length; i++) {
                same += a[i] == b[i] ? 1 : 0;
            }
            assertTrue(same > 0.9 * a.length, "tiled and whole-image classes agree on " + same + " of " + a.length + " pixels");
            float[] alsoWhole = new TiledInference(256, 64).probabilities(x, 256, 256, 2, model, nd);
            assertArrayEquals(whole, alsoWhole, 0f);
        }
    }

    @Test
    void weightsCoverEveryPixelAndFallToZeroAtInnerEdges() {
        TiledInference t = new TiledInference(64, 32);
        float[] inner = t.ramp(64, false, false);
        assertEquals(0f, inner[0]);
        assertEquals(0f, inner[7]);
        assertEquals(1f, inner[32]);
        float[] border = t.ramp(64, true, false);
        assertEquals(1f, border[0]);
        assertEquals(0f, border[63]);
    }
}
