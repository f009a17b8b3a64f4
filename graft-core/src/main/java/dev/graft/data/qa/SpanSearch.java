package dev.graft.data.qa;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds answer spans in a question's windows from a model's start and end scores (logits), and decides between the
 * best span and no answer (SQuAD v2.0), as Hugging Face's {@code postprocess_qa_predictions} does: in each window the
 * {@code nBest} highest start and end positions are paired; a pair counts when both positions hold context tokens,
 * the end is not before the start and the span has at most {@code maxAnswerTokens} tokens; its score is the sum of
 * the two logits. The same context characters found in two windows count once, with the higher score. The no-answer
 * score is the smallest, over the windows, of the scores at position 0 (the first special token).
 */
public final class SpanSearch {

    /**
     * One candidate answer.
     *
     * @param window        index of the window it was found in
     * @param startPosition position of its first token in that window
     * @param endPosition   position of its last token
     * @param charStart     its first character in the context
     * @param charEnd       its end character, exclusive
     * @param score         start logit + end logit
     */
    public record Candidate(int window, int startPosition, int endPosition, int charStart, int charEnd, double score) {

        /** The answer text. */
        public String text(String context) {
            return context.substring(charStart, charEnd);
        }
    }

    /**
     * What the search found.
     *
     * @param candidates the best spans, highest score first, at most {@code nBest}
     * @param nullScore  the no-answer score: the smallest start + end logit at position 0 over the windows
     */
    public record Result(List<Candidate> candidates, double nullScore) {

        /** Copies the list. */
        public Result {
            candidates = List.copyOf(candidates);
        }

        /** The best span, or null when no span was valid. */
        public Candidate best() {
            return candidates.isEmpty() ? null : candidates.get(0);
        }

        /**
         * The answer: the best span's text, or the empty string (no answer) when there is no valid span or when
         * {@code nullScore - best score > threshold} (SQuAD v2.0's {@code null_score_diff_threshold}).
         */
        public String answer(String context, double threshold) {
            Candidate b = best();
            return b == null || nullScore - b.score() > threshold ? "" : b.text(context);
        }

        /** The best span's text, never choosing no answer (SQuAD v1.1); empty only when no span was valid. */
        public String answer(String context) {
            Candidate b = best();
            return b == null ? "" : b.text(context);
        }
    }

    private SpanSearch() {
    }

    /**
     * Searches the windows of one question.
     *
     * @param features    the question's windows ({@link QaEncoder})
     * @param startLogits per window, a start score per position
     * @param endLogits   per window, an end score per position
     * @throws IllegalArgumentException when the scores do not have one value per position of each window, or
     *                                  {@code nBest} or {@code maxAnswerTokens} is below 1
     */
    public static Result search(List<QaFeature> features, List<float[]> startLogits, List<float[]> endLogits, int nBest,
                                int maxAnswerTokens) {
        if (nBest < 1 || maxAnswerTokens < 1) {
            throw new IllegalArgumentException("nBest and maxAnswerTokens must be at least 1, got " + nBest + " and "
                    + maxAnswerTokens);
        }
        if (features.isEmpty() || startLogits.size() != features.size() || endLogits.size() != features.size()) {
            throw new IllegalArgumentException("one start and one end score array per window is needed: " + features.size()
                    + " windows, " + startLogits.size() + " start and " + endLogits.size() + " end arrays");
        }
        Map<Long, Candidate> bySpan = new HashMap<>();
        double nullScore = Double.POSITIVE_INFINITY;
        for (int f = 0; f < features.size(); f++) {
            QaFeature feature = features.get(f);
            float[] s = startLogits.get(f);
            float[] e = endLogits.get(f);
            if (s.length != feature.input().length() || e.length != feature.input().length()) {
                throw new IllegalArgumentException("window " + f + " has " + feature.input().length() + " positions but "
                        + s.length + " start and " + e.length + " end scores");
            }
            nullScore = Math.min(nullScore, (double) s[0] + e[0]);
            for (int start : top(s, nBest)) {
                for (int end : top(e, nBest)) {
                    if (!feature.inContext(start) || !feature.inContext(end) || end < start
                            || end - start + 1 > maxAnswerTokens) {
                        continue;
                    }
                    Candidate c = new Candidate(f, start, end, feature.charStarts()[start], feature.charEnds()[end],
                            (double) s[start] + e[end]);
                    bySpan.merge(((long) c.charStart() << 32) | c.charEnd(), c,
                            (a, b) -> b.score() > a.score() ? b : a);
                }
            }
        }
        List<Candidate> all = new ArrayList<>(bySpan.values());
        all.sort(Comparator.comparingDouble(Candidate::score).reversed()
                .thenComparingInt(Candidate::charStart).thenComparingInt(Candidate::charEnd));
        return new Result(all.subList(0, Math.min(nBest, all.size())), nullScore);
    }

    /** The positions of the {@code n} largest values, largest first (lower position first on a tie). */
    static int[] top(float[] values, int n) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Float.compare(values[b], values[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int k = Math.min(n, order.length);
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = order[i];
        }
        return out;
    }
}
