package dev.graft.model.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CRF's forward algorithm and Viterbi decoding against brute-force enumeration of every tag sequence, its gradient
 * against finite differences, and a small fit where only the transitions can tell tags apart.
 */
class CrfLayerTest {

    private static final int TAGS = 3;
    private static final int POSITIONS = 4;

    private static CrfLayer randomCrf(Random rng) {
        float[][] t = new float[TAGS][TAGS];
        for (float[] row : t) {
            for (int j = 0; j < TAGS; j++) {
                row[j] = (float) rng.nextGaussian();
            }
        }
        return new CrfLayer(t, gaussians(rng, TAGS), gaussians(rng, TAGS));
    }

    private static float[] gaussians(Random rng, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rng.nextGaussian();
        }
        return out;
    }

    private static float[][] emissions(Random rng, int length) {
        float[][] e = new float[length][];
        for (int t = 0; t < length; t++) {
            e[t] = gaussians(rng, TAGS);
        }
        return e;
    }

    /** Every path of {@code length} positions over {@link #TAGS} tags. */
    private static List<int[]> allPaths(int length) {
        List<int[]> out = new ArrayList<>();
        int n = (int) Math.pow(TAGS, length);
        for (int code = 0; code < n; code++) {
            int[] p = new int[length];
            int c = code;
            for (int t = 0; t < length; t++) {
                p[t] = c % TAGS;
                c /= TAGS;
            }
            out.add(p);
        }
        return out;
    }

    private static double bruteLogPartition(CrfLayer crf, float[][] e) {
        double max = Double.NEGATIVE_INFINITY;
        List<Double> scores = new ArrayList<>();
        for (int[] p : allPaths(e.length)) {
            double s = crf.score(e, p);
            scores.add(s);
            max = Math.max(max, s);
        }
        double sum = 0;
        for (double s : scores) {
            sum += Math.exp(s - max);
        }
        return max + Math.log(sum);
    }

    private static NDArray[] arrays(NDManager m, CrfLayer crf) {
        float[] flat = new float[TAGS * TAGS];
        float[][] t = crf.transitions();
        for (int i = 0; i < TAGS; i++) {
            System.arraycopy(t[i], 0, flat, i * TAGS, TAGS);
        }
        return new NDArray[] {m.create(flat, new Shape(TAGS, TAGS)), m.create(crf.start()), m.create(crf.end())};
    }

    /** Two sequences in one batch: one of 4 positions, one of 2 padded to 4 (its padding holds junk emissions). */
    @Test
    void theForwardAlgorithmEqualsBruteForceEnumerationAndMasksPadding() {
        Random rng = new Random(3);
        CrfLayer crf = randomCrf(rng);
        float[][] full = emissions(rng, POSITIONS);
        float[][] shortOne = emissions(rng, 2);
        float[] em = new float[2 * POSITIONS * TAGS];
        for (int t = 0; t < POSITIONS; t++) {
            System.arraycopy(full[t], 0, em, t * TAGS, TAGS);
            float[] row = t < 2 ? shortOne[t] : new float[] {50, -50, 7}; // junk after the end
            System.arraycopy(row, 0, em, (POSITIONS + t) * TAGS, TAGS);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] p = arrays(m, crf);
            NDArray z = CrfLayer.logPartition(m.create(em, new Shape(2, POSITIONS, TAGS)),
                    m.create(new float[] {1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, POSITIONS)), p[0], p[1], p[2]);
            float[] got = z.toFloatArray();
            assertEquals(bruteLogPartition(crf, full), got[0], 1e-4);
            assertEquals(bruteLogPartition(crf, shortOne), got[1], 1e-4);
            // and the gold path's score equals the hand-computed one, masked the same way
            int[] gold = {2, 0, 1, 1};
            NDArray s = CrfLayer.pathScore(m.create(em, new Shape(2, POSITIONS, TAGS)),
                    m.create(new float[] {1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, POSITIONS)),
                    m.create(new long[] {2, 0, 1, 1, 1, 2, 0, 0}, new Shape(2, POSITIONS)), p[0], p[1], p[2]);
            assertEquals(crf.score(full, gold), s.toFloatArray()[0], 1e-4);
            assertEquals(crf.score(shortOne, new int[] {1, 2}), s.toFloatArray()[1], 1e-4);
        }
    }

    @Test
    void viterbiFindsTheBruteForceArgmax() {
        Random rng = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            CrfLayer crf = randomCrf(rng);
            float[][] e = emissions(rng, POSITIONS);
            int[] best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int[] p : allPaths(POSITIONS)) {
                if (crf.score(e, p) > bestScore) {
                    bestScore = crf.score(e, p);
                    best = p;
                }
            }
            assertArrayEquals(best, crf.viterbi(e), "trial " + trial);
        }
        assertEquals(0, randomCrf(rng).viterbi(new float[0][]).length);
    }

    @Test
    void theNegativeLogLikelihoodGradientReachesTheTransitionsAndMatchesFiniteDifferences() {
        Random rng = new Random(7);
        CrfLayer crf = randomCrf(rng);
        float[][] e = emissions(rng, POSITIONS);
        float[] em = new float[POSITIONS * TAGS];
        for (int t = 0; t < POSITIONS; t++) {
            System.arraycopy(e[t], 0, em, t * TAGS, TAGS);
        }
        int[] gold = {0, 2, 2, 1};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] p = arrays(m, crf);
            p[0].setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray nll = CrfLayer.negativeLogLikelihood(m.create(em, new Shape(1, POSITIONS, TAGS)),
                        m.ones(new Shape(1, POSITIONS)), m.create(new long[] {0, 2, 2, 1}, new Shape(1, POSITIONS)),
                        p[0], p[1], p[2]);
                gc.backward(nll);
            }
            float[] grad = p[0].getGradient().toFloatArray();
            double h = 1e-3;
            for (int i = 0; i < TAGS; i++) {
                for (int j = 0; j < TAGS; j++) {
                    float[][] t = crf.transitions();
                    t[i][j] += (float) h;
                    CrfLayer up = new CrfLayer(t, crf.start(), crf.end());
                    t[i][j] -= (float) (2 * h);
                    CrfLayer down = new CrfLayer(t, crf.start(), crf.end());
                    double nllUp = bruteLogPartition(up, e) - up.score(e, gold);
                    double nllDown = bruteLogPartition(down, e) - down.score(e, gold);
                    assertEquals((nllUp - nllDown) / (2 * h), grad[i * TAGS + j], 2e-3, "d/d transition[" + i + "][" + j + "]");
                }
            }
            // expected minus gold transition counts: both paths make 3 moves, so the gradient sums to 0 but is not 0
            double sum = 0;
            double size = 0;
            for (float g : grad) {
                sum += g;
                size += Math.abs(g);
            }
            assertEquals(0, sum, 1e-4);
            assertTrue(size > 0.1, "the transitions get a gradient: " + java.util.Arrays.toString(grad));
        }
    }

    /**
     * Tags 1 and 2 have identical emissions (only "entity or not" is visible), but the data always follow 1 with 2 and
     * never start with 2: the fitted transitions must separate them, which per-position argmax cannot.
     */
    @Test
    void fittingLearnsTransitionsThatEmissionsCannotShow() {
        Random rng = new Random(1);
        List<float[][]> emissions = new ArrayList<>();
        List<int[]> tags = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            int length = 3 + rng.nextInt(5);
            int[] y = new int[length];
            for (int t = 0; t < length; t++) {
                y[t] = t > 0 && y[t - 1] == 1 ? 2 : rng.nextInt(3) == 0 ? 1 : 0;
            }
            float[][] e = new float[length][];
            for (int t = 0; t < length; t++) {
                float entity = y[t] == 0 ? -1f : 1f;
                float noise = (float) (0.3 * rng.nextGaussian());
                e[t] = new float[] {-entity + noise, entity - noise, entity - noise};
            }
            emissions.add(e);
            tags.add(y);
        }
        CrfLayer initial = CrfLayer.constrained(new boolean[][] {{true, true, true}, {true, true, true}, {true, true, true}},
                new boolean[] {true, true, true}, new boolean[] {true, true, true});
        CrfLayer fitted = new CrfTraining(15, 32, 0.1, 42).fit(initial, emissions, tags);
        float[][] t = fitted.transitions();
        assertTrue(t[1][2] > t[1][1] + 1, "1 is followed by 2: " + java.util.Arrays.deepToString(t));
        assertTrue(t[0][1] > t[0][2] + 1, "after 0 comes 1, never 2: " + java.util.Arrays.deepToString(t));
        int right = 0;
        int total = 0;
        for (int i = 0; i < emissions.size(); i++) {
            int[] path = fitted.viterbi(emissions.get(i));
            for (int p = 0; p < path.length; p++) {
                right += path[p] == tags.get(i)[p] ? 1 : 0;
                total++;
            }
        }
        assertTrue(right > 0.97 * total, "Viterbi with fitted transitions tags " + right + " of " + total);
        // the same fit is reproduced exactly from the same seed
        assertArrayEquals(t[1], new CrfTraining(15, 32, 0.1, 42).fit(initial, emissions, tags).transitions()[1]);
    }

    @Test
    void forbiddenMovesStayForbiddenAndAreNeverDecoded() {
        boolean[][] allowed = {{true, true, false}, {true, true, true}, {true, true, true}}; // 0 → 2 forbidden
        CrfLayer initial = CrfLayer.constrained(allowed, new boolean[] {true, true, false}, new boolean[] {true, true, true});
        List<float[][]> emissions = List.<float[][]>of(new float[][] {{0, 0, 0}, {0, 0, 0}});
        CrfLayer fitted = new CrfTraining(5, 1, 0.5, 1).fit(initial, emissions, List.of(new int[] {1, 2}));
        assertEquals(CrfLayer.FORBIDDEN, fitted.transitions()[0][2]);
        assertEquals(CrfLayer.FORBIDDEN, fitted.start()[2]);
        int[] path = fitted.viterbi(new float[][] {{0, 0, 5}, {5, 0, 9}, {0, 0, 9}});
        assertTrue(path[0] != 2, "2 may not start");
        for (int i = 1; i < path.length; i++) {
            assertTrue(!(path[i - 1] == 0 && path[i] == 2), "0 → 2 decoded: " + java.util.Arrays.toString(path));
        }
    }

    @Test
    void malformedScoresAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CrfLayer(new float[2][3], new float[2], new float[2]));
        assertThrows(IllegalArgumentException.class, () -> new CrfLayer(new float[2][2], new float[2], new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> new CrfLayer(new float[][] {{0, Float.NaN}, {0, 0}}, new float[2], new float[2]));
    }
}
