package dev.graft.model.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;

/**
 * A linear-chain conditional random field over per-position emission scores: a path {@code y} through {@code L}
 * positions scores {@code start[y0] + Σ emission[t][yt] + Σ transition[y(t-1)][yt] + end[y(L-1)]}. Training minimises
 * the negative log-likelihood of the gold path, its log-partition computed by the forward algorithm in NDArray ops (so
 * autograd reaches the scores); decoding is Viterbi over float arrays.
 *
 * <p>Transitions that a tag scheme forbids carry {@link #FORBIDDEN}, a score so low that no path through them is ever
 * decoded (kept finite so the forward algorithm never meets {@code -inf - -inf}).
 */
public final class CrfLayer {

    /** The score of a forbidden transition, start or end. */
    public static final float FORBIDDEN = -10000f;

    private final float[][] transitions;
    private final float[] start;
    private final float[] end;

    /**
     * A CRF over {@code start.length} tags.
     *
     * @param transitions {@code [from][to]} scores
     * @param start       the score of each tag at the first position
     * @param end         the score of each tag at the last position
     * @throws IllegalArgumentException when the shapes disagree or a score is not finite
     */
    public CrfLayer(float[][] transitions, float[] start, float[] end) {
        int c = start.length;
        if (c == 0 || end.length != c || transitions.length != c) {
            throw new IllegalArgumentException("a CRF over " + c + " tags needs " + c + " end scores and " + c
                    + " transition rows, got " + end.length + " and " + transitions.length);
        }
        this.transitions = new float[c][];
        for (int i = 0; i < c; i++) {
            if (transitions[i].length != c) {
                throw new IllegalArgumentException("CRF transition row " + i + " has " + transitions[i].length + " scores, not " + c);
            }
            this.transitions[i] = finite(transitions[i].clone(), "transition");
        }
        this.start = finite(start.clone(), "start");
        this.end = finite(end.clone(), "end");
    }

    /**
     * All scores 0 except where {@code allowed} forbids: {@link #FORBIDDEN} there.
     *
     * @param allowed      {@code [from][to]}: whether a tag may follow another
     * @param allowedStart whether a tag may be first
     * @param allowedEnd   whether a tag may be last
     */
    public static CrfLayer constrained(boolean[][] allowed, boolean[] allowedStart, boolean[] allowedEnd) {
        int c = allowedStart.length;
        float[][] t = new float[c][c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                t[i][j] = allowed[i][j] ? 0 : FORBIDDEN;
            }
        }
        return new CrfLayer(t, mask(allowedStart), mask(allowedEnd));
    }

    private static float[] mask(boolean[] allowed) {
        float[] out = new float[allowed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = allowed[i] ? 0 : FORBIDDEN;
        }
        return out;
    }

    private static float[] finite(float[] values, String what) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("a CRF " + what + " score is not a finite number: " + v);
            }
        }
        return values;
    }

    /** The number of tags. */
    public int tags() {
        return start.length;
    }

    /** A copy of the {@code [from][to]} transition scores. */
    public float[][] transitions() {
        float[][] out = new float[transitions.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = transitions[i].clone();
        }
        return out;
    }

    /** A copy of the start scores. */
    public float[] start() {
        return start.clone();
    }

    /** A copy of the end scores. */
    public float[] end() {
        return end.clone();
    }

    /** The score of {@code path} through {@code emissions [L][tags]}. */
    public double score(float[][] emissions, int[] path) {
        double s = start[path[0]] + end[path[path.length - 1]];
        for (int t = 0; t < path.length; t++) {
            s += emissions[t][path[t]];
            if (t > 0) {
                s += transitions[path[t - 1]][path[t]];
            }
        }
        return s;
    }

    /** The highest-scoring path through {@code emissions [L][tags]} (Viterbi); empty for no positions. */
    public int[] viterbi(float[][] emissions) {
        int n = emissions.length;
        int c = tags();
        if (n == 0) {
            return new int[0];
        }
        double[] best = new double[c];
        int[][] back = new int[n][c];
        for (int k = 0; k < c; k++) {
            best[k] = start[k] + emissions[0][k];
        }
        for (int t = 1; t < n; t++) {
            double[] next = new double[c];
            for (int j = 0; j < c; j++) {
                int arg = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < c; i++) {
                    double s = best[i] + transitions[i][j];
                    if (s > max) {
                        max = s;
                        arg = i;
                    }
                }
                next[j] = max + emissions[t][j];
                back[t][j] = arg;
            }
            best = next;
        }
        int last = 0;
        for (int k = 1; k < c; k++) {
            if (best[k] + end[k] > best[last] + end[last]) {
                last = k;
            }
        }
        int[] path = new int[n];
        path[n - 1] = last;
        for (int t = n - 1; t > 0; t--) {
            path[t - 1] = back[t][path[t]];
        }
        return path;
    }

    /**
     * The log-partition of each sequence by the forward algorithm.
     *
     * @param emissions   {@code [N, L, tags]}
     * @param mask        {@code [N, L]}, 1 at a sequence's positions and 0 after its end (position 0 always counts)
     * @param transitions {@code [tags, tags]}
     * @param start       {@code [tags]}
     * @param end         {@code [tags]}
     * @return {@code [N]}
     */
    public static NDArray logPartition(NDArray emissions, NDArray mask, NDArray transitions, NDArray start, NDArray end) {
        long length = emissions.getShape().get(1);
        NDArray alpha = emissions.get(new NDIndex(":, 0, :")).add(start.expandDims(0));
        NDArray trans = transitions.expandDims(0);
        for (long t = 1; t < length; t++) {
            NDArray next = logSumExp(alpha.expandDims(2).add(trans), 1).add(emissions.get(new NDIndex(":, {}, :", t)));
            NDArray m = mask.get(new NDIndex(":, {}", t)).expandDims(1);
            alpha = next.mul(m).add(alpha.mul(m.neg().add(1)));
        }
        return logSumExp(alpha.add(end.expandDims(0)), 1);
    }

    /**
     * The score of each gold path (arguments as {@link #logPartition}; {@code tags [N, L]} int64, any tag after the
     * end).
     */
    public static NDArray pathScore(NDArray emissions, NDArray mask, NDArray tags, NDArray transitions, NDArray start,
                                    NDArray end) {
        long c = emissions.getShape().get(2);
        long length = emissions.getShape().get(1);
        NDArray hot = tags.oneHot((int) c).toType(emissions.getDataType(), false);
        NDArray score = emissions.mul(hot).sum(new int[] {2}).mul(mask).sum(new int[] {1});
        score = score.add(hot.get(new NDIndex(":, 0, :")).mul(start.expandDims(0)).sum(new int[] {1}));
        NDArray after = length > 1
                ? mask.get(new NDIndex(":, 1:")).concat(mask.zerosLike().get(new NDIndex(":, :1")), 1)
                : mask.zerosLike();
        NDArray isLast = mask.sub(after).expandDims(2);
        score = score.add(hot.mul(isLast).sum(new int[] {1}).mul(end.expandDims(0)).sum(new int[] {1}));
        if (length > 1) {
            NDArray from = hot.get(new NDIndex(":, :-1, :"));
            NDArray to = hot.get(new NDIndex(":, 1:, :"));
            NDArray pairs = from.matMul(transitions).mul(to).sum(new int[] {2});
            score = score.add(pairs.mul(mask.get(new NDIndex(":, 1:"))).sum(new int[] {1}));
        }
        return score;
    }

    /** The mean negative log-likelihood of the gold paths (arguments as {@link #pathScore}). */
    public static NDArray negativeLogLikelihood(NDArray emissions, NDArray mask, NDArray tags, NDArray transitions,
                                                NDArray start, NDArray end) {
        return logPartition(emissions, mask, transitions, start, end)
                .sub(pathScore(emissions, mask, tags, transitions, start, end)).mean();
    }

    /** {@code log Σ exp(x)} along {@code axis}, shifted by the maximum for stability. */
    static NDArray logSumExp(NDArray x, int axis) {
        NDArray max = x.max(new int[] {axis}, true).stopGradient();
        return x.sub(max).exp().sum(new int[] {axis}).log().add(max.squeeze(axis));
    }

    @Override
    public String toString() {
        return "CRF over " + tags() + " tags, start " + Arrays.toString(start);
    }
}
