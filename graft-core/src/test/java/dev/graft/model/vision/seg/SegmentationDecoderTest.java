package dev.graft.model.vision.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.artifact.ImageSegmenter;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.Versions;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.task.SegmentationTask;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationDecoderTest {

    @TempDir
    Path dir;

    @Test
    void bilinearMatrixSamplesLikePyTorchWithoutAlignedCorners() {
        try (NDManager nd = NDManager.newBaseManager()) {
            // torch.nn.functional.interpolate([0, 1], size=4, mode="linear", align_corners=False) = [0, .25, .75, 1]
            float[] up = Bilinear.matrix(nd, 4, 2).matMul(nd.create(new float[] {0, 1}, new Shape(2, 1))).toFloatArray();
            assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, up, 1e-6f);
            // downsampling by 2 averages neighbouring pairs
            float[] down = Bilinear.matrix(nd, 2, 4).matMul(nd.create(new float[] {0, 2, 4, 6}, new Shape(4, 1))).toFloatArray();
            assertArrayEquals(new float[] {1f, 5f}, down, 1e-6f);
            NDArray x = nd.randomUniform(0, 1, new Shape(2, 3, 4, 6));
            NDArray y = Bilinear.resize(x, 16, 24);
            assertEquals(new Shape(2, 3, 16, 24), y.getShape());
            NDArray back = Bilinear.resize(nd.full(new Shape(1, 1, 5, 7), 3f), 40, 56);
            assertEquals(3f, back.min().getFloat(), 1e-5f);
            assertEquals(3f, back.max().getFloat(), 1e-5f);
        }
    }

    @Test
    void lrAsppGivesFullResolutionLogitsAndTrainsEveryDecoderParameter() {
        try (NDManager nd = NDManager.newBaseManager()) {
            nd.getEngine().setRandomSeed(3);
            MobileNetV2 encoder = new MobileNetV2(TinySpecs.mobileNetV2());
            encoder.initialize(nd);
            SegmentationNet net = new SegmentationNet(encoder, 3, DecoderKind.LRASPP);
            net.initializeDecoder(nd);
            assertEquals(DecoderKind.LRASPP, net.decoderKind());
            assertTrue(net.namedParameters().containsKey("decoder.cbr.weight"), net.namedParameters().keySet().toString());
            NDArray images = nd.randomNormal(new Shape(2, 3, 64, 96));
            try (GradientCollector gc = nd.getEngine().newGradientCollector()) {
                NDArray logits = net.logits(new ParameterStore(nd, false), images, true);
                assertEquals(new Shape(2, 3, 64, 96), logits.getShape());
                gc.backward(logits.mul(logits).mean());
            }
            net.decoder().namedParameters().forEach((n, p) -> assertNotEquals(0f,
                    p.getArray().getGradient().abs().sum().getFloat(), "no gradient reaches decoder." + n));
        }
    }

    @Test
    void decoderKindIsSavedAndRestored() throws Exception {
        NDManager nd = NDManager.newBaseManager();
        nd.getEngine().setRandomSeed(4);
        MobileNetV2 encoder = new MobileNetV2(TinySpecs.mobileNetV2());
        encoder.initialize(nd);
        SegmentationNet net = new SegmentationNet(encoder, 2, DecoderKind.LRASPP);
        net.initializeDecoder(nd);
        SegmentationTask task = new SegmentationTask(List.of("background", "foreground"), new int[] {0, 255}, -1, 1, 0, 64, 16);
        float[] pixels = new float[3 * 64 * 64];
        Random r = new Random(9);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextInt(256);
        }
        float[] before;
        try (ImageSegmenter model = new ImageSegmenter(net, task, PreprocessorConfig.imagenet(), "feature-extraction",
                Map.of("id", "tiny"), nd)) {
            before = model.probabilities(pixels, 64, 64);
            Provenance p = new Provenance(Instant.now().toString(), "feature-extraction", 4, Map.of(), Map.of(),
                    Map.of("id", "tiny"), Versions.all(), Map.of(), List.of());
            model.save(dir.resolve("m"), p, Map.of(), staging -> { });
        }
        try (ImageSegmenter loaded = ImageSegmenter.load(dir.resolve("m"))) {
            assertEquals(DecoderKind.LRASPP, loaded.net().decoderKind());
            assertArrayEquals(before, loaded.probabilities(pixels, 64, 64), 1e-5f);
        }
    }

    @Test
    void unknownDecoderNamesTheArgumentAndTheKinds() {
        assertEquals(DecoderKind.UNET, DecoderKind.parse(" UNet "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecoderKind.parse("fpn"));
        assertTrue(e.getMessage().contains("unet, lraspp") && e.getMessage().contains("'fpn'"), e.getMessage());
    }
}
