package dev.graft.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.RgbImage;
import dev.graft.metrics.ClassificationMetrics;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The negative-transfer check of image runs: majority and logistic regression on raw pixels. */
class ImageTransferCheckTest {

    @TempDir
    Path dir;

    /** Class folders left/ and right/: a bright bar on the left or right half of a noisy picture of random size. */
    private static Path bars(Path root, int perClass, long seed) throws Exception {
        Random r = new Random(seed);
        for (String c : List.of("left", "right")) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < perClass; i++) {
                int w = 24 + r.nextInt(40);
                int h = 24 + r.nextInt(40);
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(r.nextInt(90), r.nextInt(90), r.nextInt(90)));
                g.fillRect(0, 0, w, h);
                g.setColor(new Color(160 + r.nextInt(90), 160 + r.nextInt(90), 160 + r.nextInt(90)));
                int x = c.equals("left") ? r.nextInt(w / 4) : w / 2 + r.nextInt(w / 4);
                g.fillRect(x, 0, w / 4, h);
                g.dispose();
                ImageIO.write(img, "png", root.resolve(c).resolve(i + ".png").toFile());
            }
        }
        return root;
    }

    private static ClassificationMetrics constant(ImageDataset eval, List<String> labels, int predicted) {
        int[] gold = eval.examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
        int[] p = new int[gold.length];
        java.util.Arrays.fill(p, predicted);
        return ClassificationMetrics.of(gold, p, labels);
    }

    @Test
    void rawPixelsSeparateWhatALinearModelCanAndTheCheckFlagsAWorseModel() throws Exception {
        ImageDataset train = ImageDataReader.read(bars(dir.resolve("train"), 30, 1));
        ImageDataset test = ImageDataReader.read(bars(dir.resolve("test"), 10, 2));
        List<String> labels = List.of("left", "right");
        ClassificationMetrics chance = constant(test, labels, 0); // a "model" that always says left: 0.5
        TransferCheck a = TransferCheck.measureImages(train, test, "test", chance, 42, 2);
        TransferCheck b = TransferCheck.measureImages(train, test, "test", chance, 42, 1);
        assertEquals(TransferCheck.Linear.RAW_PIXELS, a.linearKind());
        assertEquals(1.0, a.linear().accuracy(), 1e-12, "a bar's side is linear in the pixels");
        assertEquals(0.5, a.majority().accuracy(), 1e-12);
        assertEquals(a.linear().confusionMatrix(), b.linear().confusionMatrix(), "same seed, any thread count: same baseline");
        assertEquals(TransferVerdict.NEGATIVE, a.verdict());
        String advice = String.join("\n", a.summary("feature-extraction"));
        assertTrue(advice.contains("raw-pixel logistic regression") && advice.contains("NEGATIVE TRANSFER")
                && advice.contains("linear model on raw pixels"), advice);
        Map<String, Object> m = a.toMap();
        assertEquals("raw_pixels_logreg", m.get("best_baseline"));
        assertTrue(m.containsKey("raw_pixels_logreg") && !m.containsKey("bag_of_words_logreg"), m::toString);
        assertEquals(1.0, a.trackingMetrics().get("baseline_pixels_accuracy"), 1e-12);
    }

    @Test
    void anImageWithALabelTheModelDoesNotKnowIsNamed() throws Exception {
        ImageDataset train = ImageDataReader.read(bars(dir.resolve("train"), 4, 1));
        ImageDataset test = ImageDataReader.read(bars(dir.resolve("test"), 2, 2));
        ClassificationMetrics other = ClassificationMetrics.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 1}, List.of("up", "down"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransferCheck.measureImages(train, test, "test", other, 1, 1));
        assertTrue(e.getMessage().contains(".png") && e.getMessage().contains("'left'"), e.getMessage());
    }

    @Test
    void cellsAverageThePixelsOfEachCellAndTinyImagesRepeatTheirPixels() {
        // 32×32: left half red, right half blue → cells 0-7 of each row red, 8-15 blue
        byte[] rgb = new byte[32 * 32 * 3];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                rgb[(y * 32 + x) * 3 + (x < 16 ? 0 : 2)] = (byte) 255;
            }
        }
        float[] v = RawPixels.cells(new RgbImage(32, 32, rgb));
        assertEquals(RawPixels.DIMENSIONS, v.length);
        assertEquals(1f, v[(5 * 16 + 7) * 3], 0f);
        assertEquals(0f, v[(5 * 16 + 7) * 3 + 2], 0f);
        assertEquals(1f, v[(5 * 16 + 8) * 3 + 2], 0f);
        // a 2×1 image: each pixel fills half the grid, so it has the same cells as the 32×32 one
        float[] tiny = RawPixels.cells(new RgbImage(2, 1, new byte[] {(byte) 255, 0, 0, 0, 0, (byte) 255}));
        assertEquals(1f, tiny[(15 * 16 + 7) * 3], 0f);
        assertEquals(1f, tiny[(0 * 16 + 8) * 3 + 2], 0f);
        assertTrue(java.util.Arrays.equals(v, tiny));
        // the scaler centres each feature on the training mean and gives vectors of about unit norm
        byte[] green = new byte[4 * 4 * 3];
        for (int p = 0; p < 16; p++) {
            green[p * 3 + 1] = (byte) 255;
        }
        RawPixels.Scaler scaler = new RawPixels.Scaler(new float[][] {v, RawPixels.cells(new RgbImage(4, 4, green))});
        SparseVector s = scaler.apply(v);
        double norm = 0;
        for (float x : s.values()) {
            norm += x * x;
        }
        assertTrue(Math.sqrt(norm) > 0.3 && Math.sqrt(norm) < 1.01, "norm " + Math.sqrt(norm));
    }
}
