package dev.graft.data.qa;

import dev.graft.data.tokens.SequenceTemplate;

/**
 * One window of a question and its context as model input: {@code [CLS] question [SEP] context window [SEP]}, with
 * the context characters each position holds and the answer's positions for training.
 *
 * @param question      index of the question
 * @param window        index of this window among the question's windows
 * @param input         token ids and types
 * @param charStarts    per position: first context character of its token, -1 outside the context
 * @param charEnds      per position: end context character (exclusive), -1 outside the context
 * @param startPosition position of the answer's first token, or 0 (the first special token) when the window does
 *                      not hold the whole answer or there is none
 * @param endPosition   position of the answer's last token, or 0 likewise
 */
public record QaFeature(int question, int window, SequenceTemplate.Input input, int[] charStarts, int[] charEnds,
                        int startPosition, int endPosition) {

    /** Whether position {@code p} holds a context token. */
    public boolean inContext(int p) {
        return p >= 0 && p < charStarts.length && charStarts[p] >= 0;
    }
}
