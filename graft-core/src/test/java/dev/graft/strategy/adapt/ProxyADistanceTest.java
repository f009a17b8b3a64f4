package dev.graft.strategy.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Proxy A-distance: near 2 for separable domains, near 0 for one distribution. */
class ProxyADistanceTest {

    private static float[][] gaussian(int n, double shift, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][6];
        for (float[] row : x) {
            for (int d = 0; d < row.length; d++) {
                row[d] = (float) (r.nextGaussian() + (d == 0 ? shift : 0));
            }
        }
        return x;
    }

    @Test
    void separableDomainsAreFarAndOneDistributionIsNear() {
        assertEquals(2.0, ProxyADistance.of(gaussian(300, 0, 1), gaussian(300, 10, 2), 300, 5), 0.05);
        assertEquals(0.0, ProxyADistance.of(gaussian(300, 0, 1), gaussian(300, 0, 2), 300, 5), 0.4);
    }

    @Test
    void tooFewExamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ProxyADistance.of(gaussian(5, 0, 1), gaussian(50, 0, 2), 100, 1));
    }
}
