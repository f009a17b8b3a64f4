package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

    // Reference values from scikit-learn 1.2.1 (Debian python3-sklearn):
    //   y = np.array([1,0,1,1,0,0,1,0,0,1]); s = np.array([0.8,0.8,0.6,0.55,0.4,0.4,0.4,0.3,0.1,0.9])
    //   roc_auc_score(y, s)                   -> 0.8200000000000001
    //   average_precision_score(y, s)         -> 0.7683333333333333
    //   roc_curve(y, s, drop_intermediate=False)
    //     fpr [0, 0, 0.2, 0.2, 0.2, 0.6, 0.8, 1], tpr [0, 0.2, 0.4, 0.6, 0.8, 1, 1, 1],
    //     thresholds [1.9 (max+1; sklearn >= 1.3: inf), 0.9, 0.8, 0.6, 0.55, 0.4, 0.3, 0.1]
    //   precision_recall_curve(y, s)
    //     precision [0.5, 5/9, 0.625, 0.8, 0.75, 2/3, 1, 1], recall [1, 1, 1, 0.8, 0.6, 0.4, 0.2, 0],
    //     thresholds [0.1, 0.3, 0.4, 0.55, 0.6, 0.8, 0.9]
    private static final boolean[] GOLD = {true, false, true, true, false, false, true, false, false, true};
    private static final double[] SCORES = {0.8, 0.8, 0.6, 0.55, 0.4, 0.4, 0.4, 0.3, 0.1, 0.9};

    @Test
    void matchesScikitLearnWithTies() {
        RankingMetrics m = RankingMetrics.of(GOLD, SCORES);
        assertEquals(0.8200000000000001, m.rocAuc(), 1e-12);
        assertEquals(0.7683333333333333, m.averagePrecision(), 1e-12);
        assertEquals(5, m.positives());
        assertEquals(5, m.negatives());
        assertArrayEquals(new double[] {0, 0, 0.2, 0.2, 0.2, 0.6, 0.8, 1}, m.roc().fpr(), 1e-12);
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1, 1, 1}, m.roc().tpr(), 1e-12);
        double[] thr = m.roc().thresholds();
        assertEquals(Double.POSITIVE_INFINITY, thr[0]);
        assertArrayEquals(new double[] {0.9, 0.8, 0.6, 0.55, 0.4, 0.3, 0.1}, java.util.Arrays.copyOfRange(thr, 1, 8));
        assertArrayEquals(new double[] {0.5, 5 / 9.0, 0.625, 0.8, 0.75, 2 / 3.0, 1, 1},
                m.precisionRecall().precision(), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1, 0.8, 0.6, 0.4, 0.2, 0}, m.precisionRecall().recall(), 1e-12);
        assertArrayEquals(new double[] {0.1, 0.3, 0.4, 0.55, 0.6, 0.8, 0.9}, m.precisionRecall().thresholds());
        assertEquals(m.rocAuc(), RankingMetrics.rocAuc(GOLD, SCORES));
        assertEquals(m.averagePrecision(), RankingMetrics.averagePrecision(GOLD, SCORES));
    }

    @Test
    void aucEqualsTheMannWhitneyProbabilityWithTiesCountingHalf() {
        Random r = new Random(11);
        int n = 300;
        boolean[] gold = new boolean[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            gold[i] = r.nextDouble() < 0.3;
            scores[i] = Math.round((r.nextGaussian() + (gold[i] ? 0.7 : 0)) * 4) / 4.0; // many ties
        }
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (gold[i] && !gold[j]) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        assertEquals(wins / pairs, RankingMetrics.rocAuc(gold, scores), 1e-12);
    }

    @Test
    void perfectReversedAndRandomScores() {
        boolean[] gold = {false, false, true, true};
        assertEquals(1.0, RankingMetrics.rocAuc(gold, new double[] {0.1, 0.2, 0.7, 0.9}));
        assertEquals(1.0, RankingMetrics.averagePrecision(gold, new double[] {0.1, 0.2, 0.7, 0.9}));
        assertEquals(0.0, RankingMetrics.rocAuc(gold, new double[] {0.9, 0.7, 0.2, 0.1}));
        // all scores tied: one threshold, AUC 0.5, AP = prevalence
        assertEquals(0.5, RankingMetrics.rocAuc(gold, new double[] {0.3, 0.3, 0.3, 0.3}));
        assertEquals(0.5, RankingMetrics.averagePrecision(gold, new double[] {0.3, 0.3, 0.3, 0.3}));
        Random r = new Random(5);
        int n = 20000;
        boolean[] g = new boolean[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = r.nextBoolean();
            s[i] = r.nextDouble();
        }
        assertEquals(0.5, RankingMetrics.rocAuc(g, s), 0.02);
        // flipping the labels and negating the scores leaves the AUC unchanged
        boolean[] flipped = new boolean[n];
        double[] negated = new double[n];
        for (int i = 0; i < n; i++) {
            flipped[i] = !g[i];
            negated[i] = -s[i];
        }
        assertEquals(RankingMetrics.rocAuc(g, s), RankingMetrics.rocAuc(flipped, negated), 1e-12);
    }

    @Test
    void refusesOneClassAndBadScores() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.of(new boolean[] {true, true}, new double[] {0.2, 0.4}));
        assertTrue(e.getMessage().contains("only positives"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.averagePrecision(new boolean[] {false}, new double[] {0.2}));
        assertTrue(e.getMessage().contains("at least one positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.of(new boolean[] {true, false}, new double[] {Double.NaN, 0.4}));
        assertTrue(e.getMessage().contains("scores[0] is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.of(new boolean[] {true, false}, new double[] {0.4}));
        assertTrue(e.getMessage().contains("gold has 2 entries but scores has 1"), e.getMessage());
    }
}
