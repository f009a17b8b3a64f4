package dev.graft.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.artifact.ImageSegmenter;
import dev.graft.artifact.Provenance;
import dev.graft.data.image.PreprocessorConfig;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.seg.SegmentationNet;
import dev.graft.model.vision.seg.TinySpecs;
import dev.graft.task.SegmentationTask;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationEvaluationTest {

    @TempDir
    Path dir;

    private static ImageSegmenter tinyModel() {
        NDManager nd = NDManager.newBaseManager();
        nd.getEngine().setRandomSeed(1);
        MobileNetV2 encoder = new MobileNetV2(TinySpecs.mobileNetV2());
        encoder.initialize(nd);
        SegmentationNet net = new SegmentationNet(encoder, 2);
        net.initializeDecoder(nd);
        SegmentationTask task = new SegmentationTask(List.of("background", "foreground"), new int[] {0, 255}, -1, 1, 0, 64, 16);
        return new ImageSegmenter(net, task, PreprocessorConfig.imagenet(), "fine-tune", Map.of("id", "tiny"), nd);
    }

    private void image(Path file, int w, int h, long seed) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        int[] v = new int[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256);
        }
        img.getRaster().setSamples(0, 0, w, h, 0, v);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void predictWritesOneMaskPerImageWithTheClassValuesAndASummary() throws IOException {
        image(dir.resolve("in/a.png"), 100, 70, 1);   // larger than a 64 tile: tiled, padded
        image(dir.resolve("in/b.png"), 40, 30, 2);    // smaller: whole
        try (ImageSegmenter model = tinyModel()) {
            Path out = dir.resolve("out");
            Map<String, Object> summary = SegmentationEvaluation.predict(model, SegmentationEvaluation.images(dir.resolve("in")), out, true);
            assertEquals(2, ((List<?>) summary.get("predictions")).size());
            BufferedImage a = ImageIO.read(out.resolve("a.png").toFile());
            assertEquals(100, a.getWidth());
            assertEquals(70, a.getHeight());
            int[] v = a.getRaster().getSamples(0, 0, 100, 70, 0, new int[100 * 70]);
            assertTrue(java.util.Arrays.stream(v).allMatch(x -> x == 0 || x == 255));
            assertTrue(Files.isRegularFile(out.resolve("b_overlay.png")));
            assertTrue(Files.readString(out.resolve("summary.json")).contains("class_share"));
            // again into the same folder: Graft's own, replaced
            SegmentationEvaluation.predict(model, List.of(dir.resolve("in/b.png")), out, false);
            assertTrue(Files.notExists(out.resolve("a.png")));
            // a folder of the user's is not Graft's to replace
            Path mine = Files.createDirectories(dir.resolve("mine"));
            Files.writeString(mine.resolve("notes.txt"), "keep");
            assertThrows(RuntimeException.class, () -> SegmentationEvaluation.predict(model, List.of(dir.resolve("in/b.png")), mine, false));
            assertEquals("keep", Files.readString(mine.resolve("notes.txt")));
        }
    }

    @Test
    void savedModelLoadsAndADamagedDecoderIsNamed() throws IOException {
        Path saved = dir.resolve("model");
        float[] before;
        float[] pixels = new float[3 * 64 * 64];
        new Random(3).ints(pixels.length, 0, 256).forEach(new java.util.function.IntConsumer() {
            int i;

            public void accept(int v) {
                pixels[i++] = v;
            }
        });
        try (ImageSegmenter model = tinyModel()) {
            before = model.probabilities(pixels, 64, 64);
            Provenance p = new Provenance("now", "fine-tune", 1, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), List.of());
            model.save(saved, p, Map.of(), staging -> { });
        }
        try (ImageSegmenter loaded = ImageSegmenter.load(saved)) {
            float[] after = loaded.probabilities(pixels, 64, 64);
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i], after[i], 1e-5);
            }
        }
        Files.write(saved.resolve(ImageSegmenter.DECODER_FILE), new byte[] {1, 2, 3});
        RuntimeException e = assertThrows(RuntimeException.class, () -> ImageSegmenter.load(saved));
        assertTrue(String.valueOf(e.getMessage()).contains(ImageSegmenter.DECODER_FILE), e.getMessage());
    }
}
