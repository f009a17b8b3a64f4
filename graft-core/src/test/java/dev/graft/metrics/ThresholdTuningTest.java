package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdTuningTest {

    // Reference: brute force with scikit-learn 1.2.1's metrics over the same candidates (Python):
    //   def candidates(s):
    //       d = np.unique(s)[::-1]
    //       c = [np.float32((a + b) / 2) if np.float32((a + b) / 2) > b else a for a, b in zip(d[:-1], d[1:])]
    //       return [float(x) for x in c] + [float(d[-1])]
    //   def best(y, s, metric):
    //       scored = [(metric(y, (s >= t).astype(int)), t) for t in candidates(s)]
    //       top = max(v for v, _ in scored); ties = [t for v, t in scored if v >= top - 1e-12]
    //       return min(ties, key=lambda t: (abs(t - 0.5), t)), top
    //   per label of MultiLabelMetricsTest's first three columns, f1_score:
    //       [(0.44999998807907104, 8/9), (0.25, 0.8), (0.4000000059604645, 8/9)]
    //   y = [1,0,1,1,0,0,1,0,0,1]; s = [0.8,0.8,0.6,0.55,0.4,0.4,0.4,0.3,0.1,0.9]:
    //       f1_score (0.475, 0.8), balanced_accuracy_score (0.475, 0.8), matthews_corrcoef (0.475, 0.6),
    //       accuracy_score (0.475, 0.8)
    @Test
    void perLabelThresholdsMatchBruteForce() {
        float[][] scores = new float[8][3];
        boolean[][] gold = new boolean[8][3];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(MultiLabelMetricsTest.SCORES[i], 0, scores[i], 0, 3);
            System.arraycopy(MultiLabelMetricsTest.GOLD[i], 0, gold[i], 0, 3);
        }
        float[] t = ThresholdTuning.perLabelF1(gold, scores);
        assertArrayEquals(new float[] {0.45f, 0.25f, 0.4f}, t);
        MultiLabelMetrics m = MultiLabelMetrics.of(gold, scores, t, List.of("a", "b", "c"));
        assertEquals(8 / 9.0, m.perLabel().get(0).f1(), 1e-12);
        assertEquals(0.8, m.perLabel().get(1).f1(), 1e-12);
        assertEquals(8 / 9.0, m.perLabel().get(2).f1(), 1e-12);
    }

    @Test
    void binaryThresholdForEachMetric() {
        boolean[] y = {true, false, true, true, false, false, true, false, false, true};
        double[] s = {0.8, 0.8, 0.6, 0.55, 0.4, 0.4, 0.4, 0.3, 0.1, 0.9};
        double[] expected = {0.8, 0.8, 0.6, 0.8};
        BinaryMetric[] metrics = {BinaryMetric.F1, BinaryMetric.BALANCED_ACCURACY, BinaryMetric.MCC,
            BinaryMetric.ACCURACY};
        for (int k = 0; k < metrics.length; k++) {
            ThresholdTuning.Choice c = ThresholdTuning.binary(y, s, metrics[k]);
            assertEquals(0.475f, (float) c.threshold(), metrics[k].name());
            assertEquals(expected[k], c.value(), 1e-12, metrics[k].name());
        }
    }

    @Test
    void tiesGoToTheThresholdClosestToOneHalf() {
        // F1 is 2/3 both at >= 0.9 (midpoint 0.75) and with every example positive (the lowest score, 0.1)
        boolean[] y = {true, false, false, true};
        double[] s = {0.9, 0.6, 0.4, 0.1};
        ThresholdTuning.Choice c = ThresholdTuning.binary(y, s, BinaryMetric.F1);
        assertEquals(0.75, c.threshold(), 1e-7);
        assertEquals(2 / 3.0, c.value(), 1e-12);
        // the same data seen from the other end: now the all-positive threshold (0.45) is the closer one
        double[] shifted = {0.95, 0.7, 0.6, 0.45};
        assertEquals(0.45, ThresholdTuning.binary(y, shifted, BinaryMetric.F1).threshold(), 1e-7);
    }

    @Test
    void labelWithoutPositivesKeepsOneHalfAndTheResultIsDeterministic() {
        Random r = new Random(3);
        boolean[][] gold = new boolean[200][2];
        float[][] scores = new float[200][2];
        for (int i = 0; i < 200; i++) {
            gold[i][0] = r.nextDouble() < 0.2;
            scores[i][0] = (float) Math.min(1, Math.max(0, 0.3 + (gold[i][0] ? 0.3 : 0) + 0.2 * r.nextGaussian()));
            scores[i][1] = r.nextFloat();
        }
        float[] t = ThresholdTuning.perLabelF1(gold, scores);
        assertEquals(0.5f, t[1]);
        assertArrayEquals(t, ThresholdTuning.perLabelF1(gold, scores));
        // the tuned threshold is at least as good as any score used as a threshold
        double tuned = MultiLabelMetrics.of(gold, scores, t, List.of("a", "b")).perLabel().get(0).f1();
        for (int i = 0; i < 200; i++) {
            float[] alt = {scores[i][0], 0.5f};
            double f1 = MultiLabelMetrics.of(gold, scores, alt, List.of("a", "b")).perLabel().get(0).f1();
            assertTrue(f1 <= tuned + 1e-12, "threshold " + alt[0] + " gives " + f1 + " > " + tuned);
        }
    }

    @Test
    void metricsFromCounts() {
        // sklearn: matthews_corrcoef([1,1,1,0,0,0,0,1],[1,1,0,0,0,1,0,0]) = 0.2581988897471611
        assertEquals(0.2581988897471611, BinaryMetric.MCC.of(2, 1, 3, 2), 1e-12);
        assertEquals(0.0, BinaryMetric.MCC.of(3, 2, 0, 0));
        assertEquals((2 / 4.0 + 3 / 4.0) / 2, BinaryMetric.BALANCED_ACCURACY.of(2, 1, 3, 2), 1e-12);
        assertEquals(4 / 7.0, BinaryMetric.F1.of(2, 1, 3, 2), 1e-12);
        assertEquals(5 / 8.0, BinaryMetric.ACCURACY.of(2, 1, 3, 2), 1e-12);
    }
}
