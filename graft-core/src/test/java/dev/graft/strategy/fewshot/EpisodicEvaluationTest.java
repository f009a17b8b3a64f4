package dev.graft.strategy.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.util.Progress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Prototypes and episodic evaluation on synthetic embeddings whose answer is known. */
class EpisodicEvaluationTest {

    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f");

    /** {@code perClass} points per class around class centres {@code separation} apart, with unit noise. */
    private static float[][] clusters(int classes, int perClass, double separation, int[] y, long seed) {
        Random r = new Random(seed);
        int dim = 16;
        float[][] centres = new float[classes][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) (r.nextGaussian() * separation);
            }
        }
        float[][] x = new float[classes * perClass][dim];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % classes;
            for (int d = 0; d < dim; d++) {
                x[i][d] = centres[y[i]][d] + (float) r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void prototypesAreClassMeansAndClassifyByNearest() {
        float[][] support = {{0, 0}, {2, 0}, {10, 10}, {12, 10}};
        Prototypes p = Prototypes.fit(support, new int[] {0, 0, 1, 1}, 2, Distance.EUCLIDEAN);
        assertArrayEquals(new float[] {1, 0}, p.prototype(0));
        assertArrayEquals(new float[] {11, 10}, p.prototype(1));
        assertEquals(0, p.classify(new float[] {3, 3}));
        assertEquals(1, p.classify(new float[] {8, 8}));
        float[] prob = p.probabilities(new float[] {3, 3});
        assertEquals(1.0, prob[0] + prob[1], 1e-6);
        assertTrue(prob[0] > 0.99);
        // cosine ignores length: a long vector in class 0's direction is class 0
        Prototypes c = Prototypes.fit(new float[][] {{1, 0}, {0, 1}}, new int[] {0, 1}, 2, Distance.COSINE);
        assertEquals(0, c.classify(new float[] {100, 1}));
        assertThrows(IllegalArgumentException.class, () -> Prototypes.fit(support, new int[] {0, 0, 0, 0}, 2, Distance.COSINE));
    }

    @Test
    void separableClassesScorePerfectlyAndRandomLabelsScoreChance() {
        int[] y = new int[6 * 40];
        float[][] x = clusters(6, 40, 20, y, 1);
        EpisodeSpec spec = new EpisodeSpec(5, 1, 15, 200, 7);
        EpisodicResult easy = EpisodicEvaluation.run(x, y, NAMES, spec, Distance.EUCLIDEAN, Progress.NONE);
        assertEquals(1.0, easy.mean(), 1e-12);
        assertEquals(0.0, easy.ci95(), 1e-12);

        int[] shuffled = y.clone();
        Random r = new Random(3);
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        EpisodicResult chance = EpisodicEvaluation.run(x, shuffled, NAMES, new EpisodeSpec(5, 5, 15, 600, 7), Distance.COSINE, Progress.NONE);
        assertEquals(0.2, chance.mean(), 3 * chance.ci95() + 0.01, "random labels give chance accuracy: " + chance.summary());
        assertTrue(chance.ci95() > 0);
    }

    @Test
    void moreShotsHelpAndTheIntervalIsOneNinetySixStandardErrors() {
        int[] y = new int[6 * 40];
        float[][] x = clusters(6, 40, 0.45, y, 2); // overlapping classes: one shot is often wrong
        EpisodicResult one = EpisodicEvaluation.run(x, y, NAMES, new EpisodeSpec(5, 1, 15, 600, 11), Distance.EUCLIDEAN, Progress.NONE);
        EpisodicResult five = EpisodicEvaluation.run(x, y, NAMES, new EpisodeSpec(5, 5, 15, 600, 11), Distance.EUCLIDEAN, Progress.NONE);
        assertTrue(five.mean() > one.mean() + 0.05, one.summary() + " vs " + five.summary());
        double[] a = one.accuracies();
        assertEquals(600, a.length);
        double mean = Arrays.stream(a).average().orElseThrow();
        double var = Arrays.stream(a).map(v -> (v - mean) * (v - mean)).sum() / (a.length - 1);
        assertEquals(mean, one.mean(), 1e-12);
        assertEquals(1.96 * Math.sqrt(var) / Math.sqrt(600), one.ci95(), 1e-12);
    }

    @Test
    void sameSeedSameEpisodesOtherSeedOtherEpisodes() {
        int[] y = new int[6 * 30];
        float[][] x = clusters(6, 30, 0.5, y, 3);
        EpisodeSpec s = new EpisodeSpec(5, 1, 10, 100, 5);
        EpisodicResult a = EpisodicEvaluation.run(x, y, NAMES, s, Distance.COSINE, Progress.NONE);
        EpisodicResult b = EpisodicEvaluation.run(x, y, NAMES, s, Distance.COSINE, Progress.NONE);
        EpisodicResult c = EpisodicEvaluation.run(x, y, NAMES, new EpisodeSpec(5, 1, 10, 100, 6), Distance.COSINE, Progress.NONE);
        assertArrayEquals(a.accuracies(), b.accuracies());
        assertFalse(Arrays.equals(a.accuracies(), c.accuracies()));
    }

    @Test
    void tooFewClassesOrExamplesIsAClearError() {
        int[] y = new int[3 * 10];
        float[][] x = clusters(3, 10, 5, y, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EpisodicEvaluation.run(x, y, NAMES.subList(0, 3), new EpisodeSpec(5, 1, 5, 10, 1), Distance.COSINE, Progress.NONE));
        assertTrue(e.getMessage().contains("5-way") && e.getMessage().contains("only 3"), e.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> EpisodicEvaluation.run(x, y, NAMES.subList(0, 3), new EpisodeSpec(3, 5, 15, 10, 1), Distance.COSINE, Progress.NONE));
        assertTrue(small.getMessage().contains("too small: a (10)"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EpisodeSpec(1, 1, 1, 1, 0));
    }
}
