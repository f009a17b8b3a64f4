package dev.graft.data.tokens;

import java.util.ArrayList;
import java.util.List;

/**
 * A sentence as {@link TokenClassificationEncoder} cut it into windows, kept to map predictions back to its words.
 *
 * @param sentence    index of the sentence
 * @param words       the words and their text
 * @param subwords    the sentence's sub-tokens
 * @param windows     the sub-token range of each feature
 * @param features    one per window, in order
 * @param firstContentPosition the position of a window's first sub-token (after the template's prefix)
 */
public record EncodedSentence(int sentence, WordSequence words, Subwords subwords, List<TokenWindows.Window> windows,
                              List<TokenFeature> features, int firstContentPosition) {

    /**
     * An entity found in a prediction, with the words and the characters of the text it covers.
     *
     * @param type      entity type
     * @param firstWord index of its first word
     * @param lastWord  index of its last word
     * @param start     its first character in the text
     * @param end       its end character, exclusive
     * @param text      the covered text
     */
    public record Mention(String type, int firstWord, int lastWord, int start, int end, String text) {
    }

    /** Copies the lists. */
    public EncodedSentence {
        windows = List.copyOf(windows);
        features = List.copyOf(features);
    }

    /** The number of words the tokenizer gave no sub-token; they cannot be predicted and come back as {@code O}. */
    public int wordsWithoutTokens() {
        int n = 0;
        for (int f : subwords.firstTokenOfWords(words.size())) {
            n += f < 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * One tag per word from per-position predictions: each word takes the class predicted at its first sub-token, in
     * the window where that sub-token has the most context ({@link TokenWindows#mostContext}).
     *
     * @param predicted per feature, the predicted class index at each position (argmax of the model's scores)
     * @throws IllegalArgumentException when there is not one array of the right length per feature
     */
    public List<Tag> wordTags(List<int[]> predicted, TagSet tagSet) {
        if (predicted.size() != features.size()) {
            throw new IllegalArgumentException("sentence " + sentence + " has " + features.size() + " windows but "
                    + predicted.size() + " predictions");
        }
        for (int f = 0; f < features.size(); f++) {
            if (predicted.get(f).length != features.get(f).input().length()) {
                throw new IllegalArgumentException("window " + f + " of sentence " + sentence + " has "
                        + features.get(f).input().length() + " positions but " + predicted.get(f).length + " predictions");
            }
        }
        List<Tag> out = new ArrayList<>(words.size());
        for (int[] wp : wordPositions()) {
            out.add(wp == null ? Tag.OUTSIDE : tagSet.tag(predicted.get(wp[0])[wp[1]]));
        }
        return out;
    }

    /**
     * Where each word is read: the window and the position in it of the word's first sub-token, in the window where
     * that sub-token has the most context ({@link TokenWindows#mostContext}); {@code null} for a word without sub-tokens.
     */
    public List<int[]> wordPositions() {
        int[] first = subwords.firstTokenOfWords(words.size());
        List<int[]> out = new ArrayList<>(words.size());
        for (int w = 0; w < words.size(); w++) {
            if (first[w] < 0) {
                out.add(null);
                continue;
            }
            int win = TokenWindows.mostContext(windows, first[w]);
            out.add(new int[] {win, firstContentPosition + first[w] - windows.get(win).start()});
        }
        return out;
    }

    /** The entities of {@code wordTags} (seqeval's default reading) with the characters of the text they cover. */
    public List<Mention> mentions(List<Tag> wordTags) {
        List<Mention> out = new ArrayList<>();
        for (EntitySpan e : Chunks.lenient(wordTags)) {
            int start = words.start(e.first());
            int end = words.end(e.last());
            out.add(new Mention(e.type(), e.first(), e.last(), start, end, words.text().substring(start, end)));
        }
        return out;
    }
}
