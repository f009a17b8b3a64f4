package dev.graft.data.tokens;

/**
 * One window of a tagged sentence as model input, with one training label per position.
 *
 * @param sentence index of the sentence it was cut from
 * @param window   index of this window among the sentence's windows
 * @param input    token ids, types and the sub-token held at each position
 * @param labels   per position: the class index of its tag ({@link TagSet}), or {@link #IGNORE}
 */
public record TokenFeature(int sentence, int window, SequenceTemplate.Input input, int[] labels) {

    /** The label of a position the loss ignores (special tokens, non-first sub-tokens): -100, as in PyTorch. */
    public static final int IGNORE = -100;

    /** Checks that there is one label per position. */
    public TokenFeature {
        if (labels.length != input.length()) {
            throw new IllegalArgumentException("one label per position is needed, got " + labels.length + " labels for "
                    + input.length() + " positions");
        }
    }
}
