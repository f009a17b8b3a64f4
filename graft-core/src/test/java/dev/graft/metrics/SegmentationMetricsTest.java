package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentationMetricsTest {

    @Test
    void binaryScoresByHand() {
        // gold:      1 1 0 0 | 1 0 -1(ignored) 0
        // predicted: 1 0 0 1 | 1 0  1          0
        int[] gold = {1, 1, 0, 0, 1, 0, -1, 0};
        int[] pred = {1, 0, 0, 1, 1, 0, 1, 0};
        SegmentationMetrics m = new SegmentationMetrics(List.of("bg", "fg")).add(gold, pred);
        // counted pixels: 7; fg: tp 2, fn 1, fp 1; bg: tp 3, fn 1, fp 1
        assertEquals(2.0 / 4, m.iou(1), 1e-12);
        assertEquals(4.0 / 6, m.dice(1), 1e-12);
        assertEquals(3.0 / 5, m.iou(0), 1e-12);
        assertEquals(6.0 / 8, m.dice(0), 1e-12);
        assertEquals((0.5 + 0.6) / 2, m.meanIou(), 1e-12);
        assertEquals(5.0 / 7, m.pixelAccuracy(), 1e-12);
        assertEquals(4.0 / 6, m.foregroundDice(), 1e-12);
        assertEquals(7, m.n());
        assertEquals(4.0 / 6, m.values().get("foreground_dice"), 1e-12);
    }

    @Test
    void aClassInNeitherGoldNorPredictionIsLeftOutOfTheMeans() {
        int[] gold = {0, 0, 1, 1};
        int[] pred = {0, 1, 1, 1};
        SegmentationMetrics m = new SegmentationMetrics(List.of("a", "b", "c")).add(gold, pred);
        assertTrue(Double.isNaN(m.iou(2)));
        assertEquals((1.0 / 2 + 2.0 / 3) / 2, m.meanIou(), 1e-12);
        assertTrue(Double.isNaN(m.foregroundDice()));
        assertTrue(!m.values().containsKey("foreground_dice"));
    }

    @Test
    void poolsPixelsOverImages() {
        SegmentationMetrics m = new SegmentationMetrics(List.of("bg", "fg"));
        m.add(new int[] {1, 0}, new int[] {1, 0});
        m.add(new int[] {1, 1}, new int[] {0, 0});
        // fg: tp 1, fn 2, fp 0 → IoU 1/3, Dice 2/4
        assertEquals(1.0 / 3, m.iou(1), 1e-12);
        assertEquals(0.5, m.dice(1), 1e-12);
        assertEquals(0.5, m.pixelAccuracy(), 1e-12);
    }
}
