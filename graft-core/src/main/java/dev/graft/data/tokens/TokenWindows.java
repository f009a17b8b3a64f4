package dev.graft.data.tokens;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a sequence of tokens longer than a model reads into overlapping windows, so that no token is dropped, and
 * says which window gives each token the most context.
 *
 * <p>{@code stride} is the overlap between consecutive windows in tokens, as Hugging Face tokenizers' {@code stride}
 * (and {@code doc_stride} in its question-answering scripts) means it: each window starts {@code capacity - stride}
 * tokens after the previous one.
 */
public final class TokenWindows {

    /**
     * The tokens {@code [start, end)} of one window.
     *
     * @param start first token
     * @param end   end token, exclusive
     */
    public record Window(int start, int end) {

        /** Number of tokens. */
        public int length() {
            return end - start;
        }

        /** Whether token {@code t} lies in this window. */
        public boolean contains(int t) {
            return t >= start && t < end;
        }
    }

    private TokenWindows() {
    }

    /**
     * The windows over {@code tokens} tokens: one when they fit, otherwise windows of {@code capacity} tokens, each
     * starting {@code capacity - stride} after the previous, the last ending at the last token.
     *
     * @throws IllegalArgumentException when {@code capacity < 1}, {@code stride < 0} or {@code stride >= capacity}
     */
    public static List<Window> plan(int tokens, int capacity, int stride) {
        if (capacity < 1 || stride < 0 || stride >= capacity) {
            throw new IllegalArgumentException("windows need capacity >= 1 and 0 <= stride < capacity, got capacity "
                    + capacity + " and stride " + stride);
        }
        List<Window> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = Math.min(tokens, start + capacity);
            out.add(new Window(start, end));
            if (end >= tokens) {
                return out;
            }
            start = end - stride;
        }
    }

    /**
     * The window in which token {@code t} has the most context: the largest {@code min(tokens left of it, tokens right
     * of it) + 0.01 * window length}, the first such window on a tie (BERT's {@code _check_is_max_context}).
     *
     * @return its index, or -1 when no window holds the token
     */
    public static int mostContext(List<Window> windows, int t) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            if (!w.contains(t)) {
                continue;
            }
            double score = Math.min(t - w.start(), w.end() - 1 - t) + 0.01 * w.length();
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }
}
