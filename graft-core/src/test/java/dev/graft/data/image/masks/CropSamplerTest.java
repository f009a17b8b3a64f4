package dev.graft.data.image.masks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.image.RgbImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CropSamplerTest {

    /** An image whose gray level is 200 where the mask is 1 and 40 where it is 0, with random blobs. */
    static SegmentationDataset blobs(int w, int h, long seed) {
        Random r = new Random(seed);
        int[] mask = new int[w * h];
        byte[] rgb = new byte[w * h * 3];
        for (int k = 0; k < 6; k++) {
            int cx = r.nextInt(w);
            int cy = r.nextInt(h);
            int rad = 3 + r.nextInt(8);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) {
                        mask[y * w + x] = 1;
                    }
                }
            }
        }
        for (int p = 0; p < w * h; p++) {
            byte v = (byte) (mask[p] == 1 ? 200 : 40);
            rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = v;
        }
        return new SegmentationDataset("blobs", List.of(new SegmentationExample(Path.of("i.png"), Path.of("m.png"))),
                List.of(new RgbImage(w, h, rgb)), List.of(new LabelMask(w, h, mask)), MaskClasses.binary(-1), 0);
    }

    @Test
    void flipsAndQuarterTurnsMoveImageAndMaskTogether() {
        SegmentationDataset d = blobs(48, 40, 3);
        CropSampler s = new CropSampler(d, 32, 50, new JointAugmentation(true, true, 1, 1, 0, 0), 11);
        for (int i = 0; i < 50; i++) {
            float[] px = s.pixels(i);
            int[] m = s.mask(i).classes();
            for (int p = 0; p < m.length; p++) {
                assertEquals(m[p] == 1 ? 200f : 40f, px[p], 1e-3, "crop " + i + " pixel " + p);
            }
        }
    }

    @Test
    void zoomKeepsMaskOnItsImageUpToInterpolationAtEdges() {
        SegmentationDataset d = blobs(64, 64, 5);
        CropSampler s = new CropSampler(d, 32, 20, new JointAugmentation(true, true, 0.8, 1.25, 0, 0), 1);
        long agree = 0;
        long n = 0;
        for (int i = 0; i < 20; i++) {
            float[] px = s.pixels(i);
            int[] m = s.mask(i).classes();
            for (int p = 0; p < m.length; p++) {
                agree += (px[p] > 120) == (m[p] == 1) ? 1 : 0;
                n++;
            }
        }
        assertEquals(1.0, (double) agree / n, 0.03);
    }

    @Test
    void aCropIsAFunctionOfSaltAndIndexAndEpochsDiffer() {
        SegmentationDataset d = blobs(64, 64, 5);
        CropSampler a = new CropSampler(d, 32, 4, JointAugmentation.standard(), 9);
        CropSampler b = new CropSampler(d, 32, 4, JointAugmentation.standard(), 9);
        float[] first = a.pixels(2);
        b.pixels(3);
        assertArrayEquals(first, b.pixels(2));
        assertArrayEquals(a.mask(2).classes(), b.mask(2).classes());
        a.reseed(10);
        assertFalse(java.util.Arrays.equals(first, a.pixels(2)));
    }

    @Test
    void elasticDeformationMovesImageAndMaskTogetherAndIsSeeded() {
        SegmentationDataset d = blobs(64, 64, 7);
        JointAugmentation plain = new JointAugmentation(true, true, 0.8, 1.25, 0, 0);
        JointAugmentation elastic = plain.withElastic(6);
        CropSampler bent = new CropSampler(d, 48, 30, elastic, 4);
        CropSampler straight = new CropSampler(d, 48, 30, plain, 4);
        long pure = 0;
        long n = 0;
        long moved = 0;
        for (int i = 0; i < 30; i++) {
            float[] px = bent.pixels(i);
            int[] m = bent.mask(i).classes();
            int[] unbent = straight.mask(i).classes();
            for (int p = 0; p < m.length; p++) {
                assertTrue(m[p] == 0 || m[p] == 1, "crop " + i + " pixel " + p + " has class " + m[p]);
                // where the image was read from one region only, the mask must be that region's class
                if (Math.abs(px[p] - 200f) < 1e-3 || Math.abs(px[p] - 40f) < 1e-3) {
                    assertEquals(px[p] > 120 ? 1 : 0, m[p], "crop " + i + " pixel " + p);
                    pure++;
                }
                moved += m[p] != unbent[p] ? 1 : 0;
                n++;
            }
        }
        assertTrue(pure > 0.8 * n, "only " + pure + " of " + n + " pixels read from one region");
        assertTrue(moved > 0.01 * n, "the deformation changed only " + moved + " of " + n + " mask pixels");
        CropSampler again = new CropSampler(d, 48, 30, elastic, 4);
        assertArrayEquals(bent.pixels(5), again.pixels(5));
        assertArrayEquals(bent.mask(5).classes(), again.mask(5).classes());
    }

    @Test
    void noElasticDeformationLeavesTheCropsAsTheyWere() {
        SegmentationDataset d = blobs(64, 64, 7);
        JointAugmentation plain = JointAugmentation.standard();
        CropSampler a = new CropSampler(d, 32, 5, plain, 2);
        CropSampler b = new CropSampler(d, 32, 5, plain.withElastic(0), 2);
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(a.pixels(i), b.pixels(i));
        }
        assertThrows(IllegalArgumentException.class, () -> plain.withElastic(-1));
    }
}
