package dev.graft.data.qa;

import dev.graft.data.tokens.SequenceTemplate;
import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.data.tokens.Subwords;
import dev.graft.data.tokens.TokenWindows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a question and its context into model input windows, question first: the context is split into sub-tokens
 * once, cut into windows of the room left after the question ({@link TokenWindows}, consecutive windows overlapping
 * by {@code docStride} sub-tokens, so no context token is dropped), and each window keeps the context characters of
 * its tokens so that a predicted span maps back to the context text. A question longer than
 * {@code maxQuestionTokens} sub-tokens is cut to that length (BERT's {@code max_query_length}).
 */
public final class QaEncoder {

    /** The usual window length. */
    public static final int DEFAULT_MAX_LENGTH = 384;
    /** The usual overlap of windows. */
    public static final int DEFAULT_DOC_STRIDE = 128;
    /** The usual longest question. */
    public static final int DEFAULT_MAX_QUESTION_TOKENS = 64;

    private final SubwordTokenizer tokenizer;
    private final int maxLength;
    private final int docStride;
    private final int maxQuestionTokens;

    /**
     * An encoder.
     *
     * @param maxLength         positions of one window, special tokens included
     * @param docStride         overlap of consecutive context windows in sub-tokens
     * @param maxQuestionTokens longest question kept, in sub-tokens
     * @throws IllegalArgumentException when a window of the longest question leaves no more context room than the
     *                                  stride
     */
    public QaEncoder(SubwordTokenizer tokenizer, int maxLength, int docStride, int maxQuestionTokens) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.docStride = docStride;
        this.maxQuestionTokens = maxQuestionTokens;
        int room = maxLength - tokenizer.template().pairSpecials() - maxQuestionTokens;
        if (maxQuestionTokens < 1 || room <= docStride) {
            throw new IllegalArgumentException("maxLength " + maxLength + " leaves " + room + " context tokens beside a"
                    + " question of " + maxQuestionTokens + " tokens, which must be more than docStride " + docStride);
        }
    }

    /** An encoder with maxLength 384, docStride 128 and questions of up to 64 sub-tokens. */
    public static QaEncoder defaults(SubwordTokenizer tokenizer) {
        return new QaEncoder(tokenizer, DEFAULT_MAX_LENGTH, DEFAULT_DOC_STRIDE, DEFAULT_MAX_QUESTION_TOKENS);
    }

    /**
     * A question as windows.
     *
     * @param features          one per window
     * @param contextTokens     sub-tokens of the whole context
     * @param questionTruncated whether the question was cut to {@code maxQuestionTokens}
     */
    public record Encoded(List<QaFeature> features, int contextTokens, boolean questionTruncated) {
    }

    /** Encodes question {@code index}; the answer positions come from its first gold answer. */
    public Encoded encode(int index, SquadQuestion q) {
        long[] question = tokenizer.ids(q.question());
        boolean truncated = question.length > maxQuestionTokens;
        if (truncated) {
            question = Arrays.copyOf(question, maxQuestionTokens);
        }
        Subwords context = tokenizer.ofText(q.context());
        int room = maxLength - tokenizer.template().pairSpecials() - question.length;
        List<TokenWindows.Window> windows = TokenWindows.plan(context.size(), room, docStride);
        int[] answer = q.answers().isEmpty() ? null : answerTokens(context, q.answers().get(0));
        List<QaFeature> features = new ArrayList<>(windows.size());
        for (int w = 0; w < windows.size(); w++) {
            TokenWindows.Window win = windows.get(w);
            SequenceTemplate.Input input = tokenizer.template().pair(question, context, win.start(), win.end());
            int n = input.length();
            int[] starts = new int[n];
            int[] ends = new int[n];
            int startPos = 0;
            int endPos = 0;
            for (int p = 0; p < n; p++) {
                int t = input.contentTokens()[p];
                starts[p] = t < 0 ? -1 : context.starts()[t];
                ends[p] = t < 0 ? -1 : context.ends()[t];
                if (answer != null && win.contains(answer[0]) && win.contains(answer[1])) {
                    startPos = t == answer[0] ? p : startPos;
                    endPos = t == answer[1] ? p : endPos;
                }
            }
            features.add(new QaFeature(index, w, input, starts, ends, startPos, endPos));
        }
        return new Encoded(features, context.size(), truncated);
    }

    /** The number of context sub-tokens, without encoding windows (for statistics). */
    public int contextTokens(String context) {
        return tokenizer.ofText(context).size();
    }

    /** First and last context token of {@code a}: the tokens that overlap its characters. */
    private static int[] answerTokens(Subwords context, SquadAnswer a) {
        int first = -1;
        int last = -1;
        for (int t = 0; t < context.size(); t++) {
            if (context.ends()[t] > a.start() && context.starts()[t] < a.end()) {
                first = first < 0 ? t : first;
                last = t;
            }
        }
        return first < 0 ? null : new int[] {first, last};
    }
}
