package dev.graft.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagScheme;
import dev.graft.data.tokens.TagSet;
import dev.graft.data.tokens.TokenFeature;
import dev.graft.model.head.CrfLayer;
import dev.graft.model.head.CrfScores;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The loss of a token task trained jointly with a CRF, against brute-force enumeration of every tag path of every
 * window: the value, its gradient with respect to a transition (finite differences of the enumeration), the gradient
 * reaching the network's outputs only at labelled positions, forbidden moves that stay forbidden, and Viterbi decoding
 * of the trained scores against the brute-force best path.
 */
class TokenTaskJointCrfTest {

    private static final TagSet TAGS = new TagSet(Tag.parseAll(List.of("O", "B-PER", "I-PER")));
    private static final int C = 3;
    private static final int T = 5;
    private static final long I = TokenFeature.IGNORE;
    /** Window 0 labels positions 1, 2 and 4; window 1 position 2; window 2 none (it must add nothing). */
    private static final long[][] LABELS = {{I, 1, 2, I, 0}, {I, I, 1, I, I}, {I, I, I, I, I}};

    /** The constrained IOB2 CRF with random scores where moves are allowed. */
    private static CrfLayer randomCrf(Random rng) {
        CrfLayer c = new TokenTask(TAGS, TagScheme.IOB2, 8).initialCrf(true);
        float[][] t = c.transitions();
        float[] s = c.start();
        float[] e = c.end();
        for (int i = 0; i < C; i++) {
            for (int j = 0; j < C; j++) {
                t[i][j] = t[i][j] == CrfLayer.FORBIDDEN ? t[i][j] : (float) rng.nextGaussian();
            }
            s[i] = s[i] == CrfLayer.FORBIDDEN ? s[i] : (float) rng.nextGaussian();
            e[i] = (float) rng.nextGaussian();
        }
        return new CrfLayer(t, s, e);
    }

    private static float[] outputs(Random rng) {
        float[] o = new float[LABELS.length * T * C];
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) (2 * rng.nextGaussian());
        }
        return o;
    }

    /** Every path of {@code length} tags. */
    private static List<int[]> paths(int length) {
        List<int[]> out = new ArrayList<>();
        for (int code = 0; code < Math.pow(C, length); code++) {
            int[] p = new int[length];
            for (int k = 0, c = code; k < length; k++, c /= C) {
                p[k] = c % C;
            }
            out.add(p);
        }
        return out;
    }

    /** Σ over the windows of (log Σ_paths exp score − score(gold)), divided by the labelled positions; by enumeration. */
    private static double bruteLoss(CrfLayer crf, float[] outputs) {
        double total = 0;
        int positions = 0;
        for (int w = 0; w < LABELS.length; w++) {
            List<float[]> rows = new ArrayList<>();
            List<Integer> gold = new ArrayList<>();
            for (int p = 0; p < T; p++) {
                if (LABELS[w][p] != I) {
                    rows.add(logSoftmax(outputs, (w * T + p) * C));
                    gold.add((int) LABELS[w][p]);
                }
            }
            if (rows.isEmpty()) {
                continue;
            }
            float[][] e = rows.toArray(new float[0][]);
            double max = Double.NEGATIVE_INFINITY;
            List<Double> scores = new ArrayList<>();
            for (int[] path : paths(e.length)) {
                double s = crf.score(e, path);
                scores.add(s);
                max = Math.max(max, s);
            }
            double sum = 0;
            for (double s : scores) {
                sum += Math.exp(s - max);
            }
            total += max + Math.log(sum) - crf.score(e, gold.stream().mapToInt(Integer::intValue).toArray());
            positions += e.length;
        }
        return total / positions;
    }

    private static float[] logSoftmax(float[] o, int from) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < C; k++) {
            max = Math.max(max, o[from + k]);
        }
        double sum = 0;
        for (int k = 0; k < C; k++) {
            sum += Math.exp(o[from + k] - max);
        }
        float[] out = new float[C];
        for (int k = 0; k < C; k++) {
            out[k] = (float) (o[from + k] - max - Math.log(sum));
        }
        return out;
    }

    private static long[] flatLabels() {
        long[] y = new long[LABELS.length * T];
        for (int w = 0; w < LABELS.length; w++) {
            System.arraycopy(LABELS[w], 0, y, w * T, T);
        }
        return y;
    }

    @Test
    void theJointLossIsTheBruteForceNegativeLogLikelihoodAndItsGradientReachesOutputsAndScores() {
        Random rng = new Random(11);
        CrfLayer crf = randomCrf(rng);
        float[] out = outputs(rng);
        try (NDManager m = NDManager.newBaseManager()) {
            CrfScores scores = CrfScores.of(crf, m);
            NDArray outputs = m.create(out, new Shape(LABELS.length, T, C));
            outputs.setRequiresGradient(true);
            NDArray targets = m.create(flatLabels(), new Shape(LABELS.length, T));
            double loss;
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                NDArray l = TokenTask.crfLoss(outputs, targets, scores);
                loss = l.getFloat();
                g.backward(l);
            }
            assertEquals(bruteLoss(crf, out), loss, 1e-4, "the forward algorithm over the labelled positions = enumeration");
            TokenTask task = new TokenTask(TAGS, TagScheme.IOB2, 8).withJointCrf(scores);
            assertEquals(loss, task.loss(outputs, targets).getFloat(), 1e-6, "the task's loss is the CRF's");

            float[] outGrad = outputs.getGradient().toFloatArray();
            for (int w = 0; w < LABELS.length; w++) {
                for (int p = 0; p < T; p++) {
                    double norm = 0;
                    for (int k = 0; k < C; k++) {
                        norm += Math.abs(outGrad[(w * T + p) * C + k]);
                    }
                    assertEquals(LABELS[w][p] != I, norm > 1e-6, "window " + w + " position " + p + ": gradient " + norm);
                }
            }

            float[] tGrad = scores.namedParameters().get("transitions").getArray().getGradient().toFloatArray();
            assertEquals(0f, tGrad[0 * C + 2], "O → I-PER is forbidden: its parameter gets no gradient");
            double eps = 1e-2;
            for (int[] ij : new int[][] {{1, 2}, {2, 0}, {0, 1}}) {
                double numeric = (bruteLoss(shifted(crf, ij, eps), out) - bruteLoss(shifted(crf, ij, -eps), out)) / (2 * eps);
                assertEquals(numeric, tGrad[ij[0] * C + ij[1]], 2e-3, "d loss / d transition " + ij[0] + "→" + ij[1]);
            }
        }
    }

    private static CrfLayer shifted(CrfLayer crf, int[] ij, double by) {
        float[][] t = crf.transitions();
        t[ij[0]][ij[1]] += (float) by;
        return new CrfLayer(t, crf.start(), crf.end());
    }

    @Test
    void trainedScoresKeepForbiddenMovesAndViterbiFindsTheBruteForceBestPath() {
        Random rng = new Random(5);
        CrfLayer crf = randomCrf(rng);
        try (NDManager m = NDManager.newBaseManager()) {
            CrfScores scores = CrfScores.of(crf, m);
            // a step against the gradient moves the allowed scores and leaves the forbidden ones where they were
            NDArray outputs = m.create(outputs(rng), new Shape(LABELS.length, T, C));
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                g.backward(TokenTask.crfLoss(outputs, m.create(flatLabels(), new Shape(LABELS.length, T)), scores));
            }
            for (var p : scores.namedParameters().values()) {
                p.getArray().subi(p.getArray().getGradient().mul(0.5));
            }
            CrfLayer trained = scores.toLayer();
            assertEquals(CrfLayer.FORBIDDEN, trained.transitions()[0][2], "O → I-PER");
            assertEquals(CrfLayer.FORBIDDEN, trained.start()[2], "I-PER first");
            assertTrue(trained.transitions()[1][2] != crf.transitions()[1][2], "B-PER → I-PER learnt");
            for (int trial = 0; trial < 20; trial++) {
                float[][] e = new float[4][C];
                for (float[] row : e) {
                    for (int k = 0; k < C; k++) {
                        row[k] = (float) (3 * rng.nextGaussian());
                    }
                }
                int[] best = null;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int[] path : paths(e.length)) {
                    double s = trained.score(e, path);
                    if (s > bestScore) {
                        bestScore = s;
                        best = path;
                    }
                }
                assertArrayEquals(best, trained.viterbi(e), "trial " + trial);
            }
        }
    }
}
