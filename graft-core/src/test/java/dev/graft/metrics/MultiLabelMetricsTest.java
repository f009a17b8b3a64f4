package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultiLabelMetricsTest {

    // Reference values from scikit-learn 1.2.1:
    //   Y = np.array([[1,0,1,0],[0,1,0,0],[1,1,0,0],[0,0,1,0],[1,0,0,0],[0,1,1,0],[1,1,1,0],[0,0,0,0]])
    //   S = np.array([[.9,.2,.7,.1],[.4,.8,.3,.6],[.6,.5,.5,.2],[.3,.1,.6,0],[.5,.5,.2,.3],[.2,.7,.5,.4],
    //                 [.8,.3,.9,.1],[.6,.4,.1,.7]], dtype=np.float32)
    //   T = np.array([.5,.5,.55,.5], dtype=np.float32); P = (S >= T).astype(int)
    //   precision_recall_fscore_support(Y, P, average='micro', zero_division=0) -> (0.714285714, 0.833333333, 0.769230769)
    //   precision_recall_fscore_support(Y, P, average='macro', zero_division=0) -> (0.6375, 0.625, 0.6240079365079365)
    //   per label: precision [0.8, 0.75, 1, 0], recall [1, 0.75, 0.75, 0], f1 [8/9, 0.75, 6/7, 0], support [4,4,4,0]
    //   accuracy_score(Y, P) -> 0.375; hamming_loss(Y, P) -> 0.1875
    //   [average_precision_score(Y[:,l], S[:,l]) for l in range(3)] -> [0.8875, 0.8541666666666666, 0.95]
    //   mean over the three labels with positives -> 0.8972222222222221
    static final boolean[][] GOLD = rows(new int[][] {{1, 0, 1, 0}, {0, 1, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 0},
        {1, 0, 0, 0}, {0, 1, 1, 0}, {1, 1, 1, 0}, {0, 0, 0, 0}});
    static final float[][] SCORES = {{.9f, .2f, .7f, .1f}, {.4f, .8f, .3f, .6f}, {.6f, .5f, .5f, .2f},
        {.3f, .1f, .6f, 0f}, {.5f, .5f, .2f, .3f}, {.2f, .7f, .5f, .4f}, {.8f, .3f, .9f, .1f}, {.6f, .4f, .1f, .7f}};
    static final List<String> NAMES = List.of("anger", "joy", "fear", "disgust");

    @Test
    void matchesScikitLearn() {
        MultiLabelMetrics m = MultiLabelMetrics.of(GOLD, SCORES, new float[] {.5f, .5f, .55f, .5f}, NAMES);
        assertEquals(8, m.n());
        assertEquals(0.7142857142857143, m.microPrecision(), 1e-12);
        assertEquals(0.8333333333333334, m.microRecall(), 1e-12);
        assertEquals(0.7692307692307692, m.microF1(), 1e-12);
        assertEquals(0.6375, m.macroPrecision(), 1e-12);
        assertEquals(0.625, m.macroRecall(), 1e-12);
        assertEquals(0.6240079365079365, m.macroF1(), 1e-12);
        assertEquals(0.375, m.subsetAccuracy(), 1e-12);
        assertEquals(0.1875, m.hammingLoss(), 1e-12);
        assertEquals(0.8972222222222221, m.meanAveragePrecision().getAsDouble(), 1e-12);
        assertEquals(List.of("disgust"), m.labelsWithoutPositives());
        double[] ap = {0.8875, 0.8541666666666666, 0.95};
        double[] f1 = {8 / 9.0, 0.75, 6 / 7.0, 0};
        double[] precision = {0.8, 0.75, 1, 0};
        double[] recall = {1, 0.75, 0.75, 0};
        for (int l = 0; l < 4; l++) {
            LabelScores row = m.perLabel().get(l);
            assertEquals(NAMES.get(l), row.label());
            assertEquals(f1[l], row.f1(), 1e-12);
            assertEquals(precision[l], row.precision(), 1e-12);
            assertEquals(recall[l], row.recall(), 1e-12);
            assertEquals(l < 3 ? 4 : 0, row.support());
            if (l < 3) {
                assertEquals(ap[l], row.averagePrecision().getAsDouble(), 1e-12);
            } else {
                assertFalse(row.averagePrecision().isPresent());
            }
        }
    }

    @Test
    void namedValuesAndRows() {
        MultiLabelMetrics m = MultiLabelMetrics.of(GOLD, SCORES, new float[] {.5f, .5f, .55f, .5f}, NAMES);
        Map<String, Double> v = m.values();
        assertEquals(List.of("micro_precision", "micro_recall", "micro_f1", "macro_precision", "macro_recall",
                "macro_f1", "map", "subset_accuracy", "hamming_loss"), List.copyOf(v.keySet()));
        assertEquals(m.microF1(), v.get("micro_f1"));
        assertEquals(m.meanAveragePrecision().getAsDouble(), v.get("map"));
        Map<String, Object> map = m.toMap();
        assertEquals(List.of("disgust"), map.get("labels_without_positives"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) map.get("per_label");
        assertEquals("fear", rows.get(2).get("label"));
        assertEquals(0.95, (Double) rows.get(2).get("average_precision"), 1e-12);
        assertEquals((double) 0.55f, (Double) rows.get(2).get("threshold"));
        assertFalse(rows.get(3).containsKey("average_precision"));
    }

    @Test
    void perfectPredictionsAndNoPositivesAtAll() {
        boolean[][] gold = rows(new int[][] {{1, 0}, {0, 1}, {1, 1}});
        float[][] scores = {{0.9f, 0.1f}, {0.2f, 0.8f}, {0.7f, 0.6f}};
        MultiLabelMetrics m = MultiLabelMetrics.of(gold, scores, new float[] {0.5f, 0.5f}, List.of("a", "b"));
        assertEquals(1.0, m.microF1());
        assertEquals(1.0, m.macroF1());
        assertEquals(1.0, m.subsetAccuracy());
        assertEquals(0.0, m.hammingLoss());
        assertEquals(1.0, m.meanAveragePrecision().getAsDouble());
        MultiLabelMetrics none = MultiLabelMetrics.of(rows(new int[][] {{0, 0}, {0, 0}}),
                new float[][] {{0.1f, 0.2f}, {0.3f, 0.9f}}, new float[] {0.5f, 0.5f}, List.of("a", "b"));
        assertFalse(none.meanAveragePrecision().isPresent());
        assertFalse(none.values().containsKey("map"));
        assertEquals(0.0, none.microPrecision()); // zero_division=0
        assertEquals(0.5, none.subsetAccuracy());
        assertEquals(0.25, none.hammingLoss());
    }

    @Test
    void refusesBadShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MultiLabelMetrics.of(GOLD,
                SCORES, new float[] {.5f, .5f}, NAMES));
        assertTrue(e.getMessage().contains("thresholds has 2 entries but there are 4 labels"), e.getMessage());
        float[][] ragged = SCORES.clone();
        ragged[3] = new float[] {0.1f};
        e = assertThrows(IllegalArgumentException.class, () -> MultiLabelMetrics.of(GOLD, ragged,
                new float[] {.5f, .5f, .5f, .5f}, NAMES));
        assertTrue(e.getMessage().contains("scores[3] has 1 entries"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MultiLabelMetrics.of(GOLD, SCORES,
                new float[] {.5f, .5f, .5f, .5f}, List.of("a", "b", "a", "c")));
        assertTrue(e.getMessage().contains("labelNames[2] is 'a', a duplicate"), e.getMessage());
    }

    static boolean[][] rows(int[][] v) {
        boolean[][] out = new boolean[v.length][];
        for (int i = 0; i < v.length; i++) {
            out[i] = new boolean[v[i].length];
            for (int j = 0; j < v[i].length; j++) {
                out[i][j] = v[i][j] == 1;
            }
        }
        return out;
    }
}
