package dev.graft.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ImageTtaTest {

    /** Two images [3, 2, 3]: values 0..17 and 100..117. */
    private static float[] batch() {
        float[] flat = new float[2 * 3 * 2 * 3];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (i < 18 ? 0 : 82) + i;
        }
        return flat;
    }

    @Test
    void mirrorReversesEachRowOfEachChannel() {
        float[] m = ImageTta.mirror(batch(), 2, 2, 3);
        assertArrayEquals(new float[] {2, 1, 0, 5, 4, 3}, java.util.Arrays.copyOfRange(m, 0, 6));
        assertArrayEquals(new float[] {117, 116, 115}, java.util.Arrays.copyOfRange(m, 33, 36));
        assertArrayEquals(batch(), ImageTta.mirror(m, 2, 2, 3), "mirroring twice is the identity");
    }

    @Test
    void flipAveragesTheFeaturesOfBothViews() {
        AtomicInteger passes = new AtomicInteger();
        // a "backbone" whose features are the first pixel of each image's first row and its left-right difference
        ImageTta.Features first = (flat, n, h, w) -> {
            passes.incrementAndGet();
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                int base = i * 3 * h * w;
                out[i] = new float[] {flat[base], flat[base + w - 1] - flat[base]};
            }
            return out;
        };
        float[][] f = ImageTta.FLIP.apply(first).of(batch(), 2, 2, 3);
        assertEquals(2, passes.get());
        assertArrayEquals(new float[] {1, 0}, f[0], "(0 + 2) / 2, and a difference that flips sign averages to 0");
        assertArrayEquals(new float[] {101, 0}, f[1]);
        assertSame(first, ImageTta.NONE.apply(first));
    }

    @Test
    void namesParseAndUnknownOnesAreRefused() {
        assertEquals(ImageTta.FLIP, ImageTta.parse(" Flip "));
        assertEquals(ImageTta.NONE, ImageTta.parse(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageTta.parse("crops"));
        assertTrue(e.getMessage().contains("none or flip"), e.getMessage());
        assertNotEquals("none", ImageTta.FLIP.key());
    }
}
