package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegressionMetricsTest {

    // Reference values from scikit-learn 1.2.1 and SciPy 1.10.1:
    //   g = np.array([3.0, -1.5, 2.0, 2.0, 7.25, 0.0, 4.5, 2.0]); p = np.array([2.5, -0.5, 2.0, 3.0, 6.0, 0.5, 4.5, 1.0])
    //   mean_squared_error(g, p)**0.5 -> 0.795495128834866; mean_absolute_error(g, p) -> 0.65625
    //   r2_score(g, p) -> 0.8982252238102717; pearsonr(g, p)[0] -> 0.9613877267626628
    //   spearmanr(g, p)[0] -> 0.9271050693011065
    //   r2_score([2,2,2],[2,2,2]) -> 1.0; r2_score([2,2,2],[2,2,3]) -> 0.0
    @Test
    void matchesScikitLearnAndScipy() {
        double[] g = {3.0, -1.5, 2.0, 2.0, 7.25, 0.0, 4.5, 2.0};
        double[] p = {2.5, -0.5, 2.0, 3.0, 6.0, 0.5, 4.5, 1.0};
        RegressionMetrics m = RegressionMetrics.of(g, p);
        assertEquals(0.795495128834866, m.rmse(), 1e-12);
        assertEquals(0.65625, m.mae(), 1e-12);
        assertEquals(0.8982252238102717, m.r2(), 1e-12);
        assertEquals(0.9613877267626628, m.pearson(), 1e-12);
        assertEquals(0.9271050693011065, m.spearman(), 1e-12);
        assertEquals(List.of("rmse", "mae", "r2", "pearson", "spearman"), List.copyOf(m.values().keySet()));
        assertEquals(8L, m.toMap().get("n"));
    }

    @Test
    void constantGoldFollowsScikitLearnAndCorrelationsAreUndefined() {
        RegressionMetrics perfect = RegressionMetrics.of(new double[] {2, 2, 2}, new double[] {2, 2, 2});
        assertEquals(1.0, perfect.r2());
        RegressionMetrics off = RegressionMetrics.of(new double[] {2, 2, 2}, new double[] {2, 2, 3});
        assertEquals(0.0, off.r2());
        assertTrue(Double.isNaN(off.pearson()));
        assertFalse(off.values().containsKey("pearson"));
        assertFalse(off.values().containsKey("spearman"));
    }

    @Test
    void monotoneTransformsKeepSpearmanAtOne() {
        double[] g = {1, 2, 3, 4, 5, 6};
        double[] p = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            p[i] = Math.exp(g[i]);
        }
        RegressionMetrics m = RegressionMetrics.of(g, p);
        assertEquals(1.0, m.spearman(), 1e-12);
        assertTrue(m.pearson() < 0.95);
        assertEquals(-1.0, RegressionMetrics.of(g, new double[] {6, 5, 4, 3, 2, 1}).pearson(), 1e-12);
    }

    @Test
    void averageRanksShareTies() {
        // scipy.stats.rankdata([10, 20, 10, 30, 20, 10]) -> [2, 4.5, 2, 6, 4.5, 2]
        assertArrayEquals(new double[] {2, 4.5, 2, 6, 4.5, 2},
                RegressionMetrics.averageRanks(new double[] {10, 20, 10, 30, 20, 10}));
    }

    @Test
    void refusesBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegressionMetrics.of(new double[] {1, 2}, new double[] {1}));
        assertTrue(e.getMessage().contains("gold has 2 values but predicted has 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RegressionMetrics.of(new double[] {1, 2}, new double[] {1, Double.POSITIVE_INFINITY}));
        assertTrue(e.getMessage().contains("predicted[1] is Infinity"), e.getMessage());
    }
}
