package dev.graft.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.util.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolingTest {

    /** Two layers of one sequence of three tokens (the last padding), width 2; the last layer first. */
    private static final float[] LAST = {1, 2, 3, 4, 100, 100};
    private static final float[] BEFORE = {5, 6, 7, 8, -100, -100};
    private static final long[] MASK = {1, 1, 0};

    @Test
    void namesParseToCanonicalKeysAndBack() {
        assertSame(Pooling.MEAN, Pooling.parse(" Mean ", "test"));
        assertSame(Pooling.CLS, Pooling.parse("CLS", "test"));
        assertSame(Pooling.MEAN, Pooling.parse("mean-last-1", "test"), "one layer is plain mean");
        for (String key : List.of("cls+mean", "mean-last-4", "mean-concat-last-4", "cls-last-2+mean")) {
            Pooling p = Pooling.parse(key.toUpperCase(), "test");
            assertEquals(key, p.key());
            assertEquals(p, Pooling.parse(p.key(), "test"));
            assertFalse(p.fineTunable(), key);
        }
        assertEquals("MEAN", Pooling.MEAN.name(), "cache keys of mean and cls are the ones the enum wrote");
        assertTrue(Pooling.CLS.fineTunable());
    }

    @Test
    void badNamesSayWhereAndWhatIsAllowed() {
        for (String bad : List.of("max", "mean-last-0", "mean-last-49", "cls+", "mean-concat")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pooling.parse(bad, "--pooling"));
            assertTrue(e.getMessage().startsWith("--pooling names pooling '" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("mean-last-K"), e.getMessage());
        }
    }

    @Test
    void partsReduceMaskedTokensOfTheRightLayers() {
        List<float[]> layers = List.of(LAST, BEFORE);
        assertArrayEquals(new float[] {2, 3}, Pooling.MEAN.pool(LAST, 0, MASK, 2), "padding is left out");
        assertArrayEquals(new float[] {1, 2}, Pooling.CLS.pool(LAST, 0, MASK, 2));
        assertArrayEquals(new float[] {1, 2, 2, 3}, Pooling.parse("cls+mean", "t").pool(layers, 0, MASK, 2));
        assertArrayEquals(new float[] {4, 5}, Pooling.parse("mean-last-2", "t").pool(layers, 0, MASK, 2));
        assertArrayEquals(new float[] {2, 3, 6, 7}, Pooling.parse("mean-concat-last-2", "t").pool(layers, 0, MASK, 2));
        assertArrayEquals(new float[] {3, 4}, Pooling.parse("cls-last-2", "t").pool(layers, 0, MASK, 2));
        assertEquals(4, Pooling.parse("mean-concat-last-2", "t").dimension(2));
        assertEquals(6, Pooling.parse("cls+mean-concat-last-2", "t").dimension(2));
        assertThrows(IllegalStateException.class, () -> Pooling.parse("mean-last-2", "t").pool(LAST, 0, MASK, 2));
    }

    @Test
    void innerLayersComeFromTheOnnxEncoder() {
        TextModelSpec minilm = TextModels.resolve("minilm");
        List<String> texts = List.of("The invoice was charged twice this month.", "Hi", "Please add a dark mode to the app.");
        float[][] mean;
        try (OnnxTextEncoder e = OnnxTextEncoder.open(minilm, 2, 2)) {
            mean = e.encode(texts, Progress.NONE);
        }
        float[][] concat;
        try (OnnxTextEncoder e = OnnxTextEncoder.open(TextModelVariants.withPooling(minilm, Pooling.parse("mean-concat-last-2", "t")), 2, 2)) {
            assertEquals(768, e.dimension());
            assertEquals(384, e.hiddenWidth());
            concat = e.encode(texts, Progress.NONE);
        }
        float[][] averaged;
        try (OnnxTextEncoder e = OnnxTextEncoder.open(TextModelVariants.withPooling(minilm, Pooling.parse("mean-last-2", "t")), 2, 2)) {
            averaged = e.encode(texts, Progress.NONE);
        }
        for (int i = 0; i < texts.size(); i++) {
            double difference = 0;
            for (int d = 0; d < 384; d++) {
                assertEquals(mean[i][d], concat[i][d], 1e-5, "the last layer is the encoder's own output");
                assertEquals((concat[i][d] + concat[i][384 + d]) / 2, averaged[i][d], 1e-5);
                difference += Math.abs(concat[i][d] - concat[i][384 + d]);
            }
            assertTrue(difference / 384 > 1e-2, "the second half is another layer: mean |difference| " + difference / 384);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxTextEncoder.open(TextModelVariants.withPooling(minilm, Pooling.parse("mean-last-7", "t")), 1, 2));
        assertTrue(e.getMessage().contains("has 6 encoder layers") && e.getMessage().contains("at most 6"), e.getMessage());
        assertNotEquals(Pooling.MEAN, Pooling.parse("mean-last-6", "t"));
    }
}
