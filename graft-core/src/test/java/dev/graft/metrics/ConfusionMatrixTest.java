package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    @Test
    void rowsAreTrueColumnsArePredicted() {
        ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 0, 1, 2}, new int[] {0, 1, 1, 0}, 3);
        assertArrayEquals(new int[][] {{1, 1, 0}, {0, 1, 0}, {1, 0, 0}}, m.counts());
        assertEquals(4, m.total());
        assertEquals(2, m.support(0));
        assertEquals(2, m.predictedCount(0));
        assertEquals(0, m.predictedCount(2));
        assertEquals(2, m.correct());
        m.add(2, 2);
        assertEquals(1, m.count(2, 2));
        assertEquals(5, m.total());
    }

    @Test
    void countsIsACopy() {
        ConfusionMatrix m = new ConfusionMatrix(2);
        m.counts()[0][0] = 99;
        assertEquals(0, m.count(0, 0));
        ConfusionMatrix c = m.copy();
        c.add(1, 1);
        assertEquals(0, m.total());
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(new int[] {0, 1}, new int[] {0}, 2));
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("has 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(new int[] {0, 2}, new int[] {0, 1}, 2));
        assertTrue(e.getMessage().contains("gold[1] is 2") && e.getMessage().contains("[0, 2)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.of(new int[] {0}, new int[] {-1}, 2));
        assertTrue(e.getMessage().contains("predicted[0] is -1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(0));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(2).add(0, 5));
    }
}
