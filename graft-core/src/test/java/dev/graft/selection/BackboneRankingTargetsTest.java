package dev.graft.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.metrics.LogMe;
import dev.graft.task.Targets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * LogME for every task of a label column: classes as one-vs-rest indicators (the same score as before), multi-label
 * data label by label, and a regression target directly; features that carry the target outrank features that do not.
 */
class BackboneRankingTargetsTest {

    private static final int N = 300;
    private static final int D = 8;

    /** Features whose first two columns are {@code signal} (plus noise), the rest noise. */
    private static float[][] features(double[][] signal, double noise, long seed) {
        Random r = new Random(seed);
        float[][] f = new float[N][D];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                double s = j < signal.length ? signal[j][i] : 0;
                f[i][j] = (float) (s + noise * r.nextGaussian());
            }
        }
        return f;
    }

    @Test
    void classTargetsGiveTheClassificationScore() {
        Random r = new Random(1);
        int[] classes = new int[N];
        for (int i = 0; i < N; i++) {
            classes[i] = r.nextInt(3);
        }
        double[][] y = BackboneRanking.logMeTargets(new Targets.Classes(classes), 3);
        assertEquals(3, y.length);
        float[][] f = features(y, 0.5, 2);
        assertEquals(LogMe.score(f, classes, 3), LogMe.score(f, y), 0.0, "one-vs-rest indicators are the classification score");
    }

    @Test
    void multiLabelScoresEachLabelAndPrefersInformativeFeatures() {
        Random r = new Random(3);
        boolean[][] labels = new boolean[N][2];
        for (int i = 0; i < N; i++) {
            labels[i][0] = r.nextBoolean();
            labels[i][1] = r.nextDouble() < 0.3;
        }
        double[][] y = BackboneRanking.logMeTargets(new Targets.LabelSets(labels), 2);
        assertEquals(2, y.length);
        assertEquals(labels[5][1] ? 1.0 : 0.0, y[1][5]);
        double informative = LogMe.score(features(y, 0.3, 4), y);
        double noise = LogMe.score(features(new double[0][], 0.3, 4), y);
        assertTrue(informative > noise, informative + " vs " + noise);
    }

    @Test
    void regressionScoresTheValueAndPrefersInformativeFeatures() {
        Random r = new Random(5);
        double[] values = new double[N];
        for (int i = 0; i < N; i++) {
            values[i] = 2.5 + r.nextGaussian();
        }
        double[][] y = BackboneRanking.logMeTargets(new Targets.Values(values), 1);
        assertArrayEquals(values, y[0], 0.0);
        double informative = LogMe.score(features(y, 0.3, 6), y);
        double weaker = LogMe.score(features(y, 1.5, 6), y);
        double noise = LogMe.score(features(new double[0][], 0.3, 6), y);
        assertTrue(informative > weaker && weaker > noise, informative + " > " + weaker + " > " + noise);
    }
}
