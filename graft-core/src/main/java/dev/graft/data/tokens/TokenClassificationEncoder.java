package dev.graft.data.tokens;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns tagged words into model input for token classification and back: words are split into sub-tokens
 * ({@link SubwordTokenizer#ofWords}), each word's tag goes to its sub-tokens ({@link SubwordLabels}), a sentence longer
 * than the model reads is cut into overlapping windows ({@link TokenWindows}) so that no token is dropped, and
 * {@link EncodedSentence#wordTags} maps per-position predictions back to one tag per word.
 */
public final class TokenClassificationEncoder {

    private final SubwordTokenizer tokenizer;
    private final TagSet tagSet;
    private final TagScheme scheme;
    private final int capacity;
    private final int stride;
    private final SubwordLabels policy;

    /**
     * An encoder.
     *
     * @param tagSet    the classes
     * @param scheme    the scheme of the tags (used by {@link SubwordLabels#ALL})
     * @param maxLength the most positions of one window, special tokens included
     * @param stride    overlap of consecutive windows in sub-tokens ({@link TokenWindows}), less than the sub-tokens
     *                  a window holds
     * @throws IllegalArgumentException when the windows would hold no token or the stride does not fit
     */
    public TokenClassificationEncoder(SubwordTokenizer tokenizer, TagSet tagSet, TagScheme scheme, int maxLength,
                                      int stride, SubwordLabels policy) {
        this.tokenizer = tokenizer;
        this.tagSet = tagSet;
        this.scheme = scheme;
        this.capacity = maxLength - tokenizer.template().singleSpecials();
        this.stride = stride;
        this.policy = policy;
        TokenWindows.plan(0, capacity, stride); // checks capacity and stride
    }

    /**
     * Encodes one sentence.
     *
     * @param sentence its index, recorded in the features
     * @param words    the words and their text
     * @param tags     one tag per word, or {@code null} to encode for prediction only (labels all ignored)
     * @throws IllegalArgumentException when the tags are not one per word, or a tag is not in the tag set
     */
    public EncodedSentence encode(int sentence, WordSequence words, List<Tag> tags) {
        if (tags != null && tags.size() != words.size()) {
            throw new IllegalArgumentException("sentence " + sentence + " has " + words.size() + " words but "
                    + tags.size() + " tags");
        }
        Subwords sub = tokenizer.ofWords(words);
        int[] tokenLabels = tags == null ? ignored(sub.size()) : tokenLabels(words.size(), sub, tags);
        List<TokenWindows.Window> windows = TokenWindows.plan(sub.size(), capacity, stride);
        List<TokenFeature> features = new ArrayList<>(windows.size());
        for (int w = 0; w < windows.size(); w++) {
            SequenceTemplate.Input input = tokenizer.template().single(sub, windows.get(w).start(), windows.get(w).end());
            int[] labels = new int[input.length()];
            for (int p = 0; p < labels.length; p++) {
                int t = input.contentTokens()[p];
                labels[p] = t < 0 ? TokenFeature.IGNORE : tokenLabels[t];
            }
            features.add(new TokenFeature(sentence, w, input, labels));
        }
        return new EncodedSentence(sentence, words, sub, windows, features, tokenizer.template().singlePrefix().length);
    }

    private static int[] ignored(int n) {
        int[] out = new int[n];
        Arrays.fill(out, TokenFeature.IGNORE);
        return out;
    }

    /** The label of every sub-token of the sentence. */
    private int[] tokenLabels(int wordCount, Subwords sub, List<Tag> tags) {
        int[] first = sub.firstTokenOfWords(wordCount);
        int[] out = ignored(sub.size());
        if (policy == SubwordLabels.FIRST) {
            for (int w = 0; w < wordCount; w++) {
                if (first[w] >= 0) {
                    out[first[w]] = tagSet.indexOf(tags.get(w));
                }
            }
            return out;
        }
        int[] last = sub.lastTokenOfWords(wordCount);
        List<EntitySpan> tokenSpans = new ArrayList<>();
        for (EntitySpan e : Chunks.lenient(tags)) {
            int a = e.first();
            while (a <= e.last() && first[a] < 0) {
                a++;
            }
            int b = e.last();
            while (b >= a && last[b] < 0) {
                b--;
            }
            if (a <= b) {
                tokenSpans.add(new EntitySpan(e.type(), first[a], last[b]));
            }
        }
        List<Tag> tokenTags = scheme.encode(tokenSpans, sub.size());
        for (int t = 0; t < out.length; t++) {
            out[t] = tagSet.indexOf(tokenTags.get(t));
        }
        return out;
    }
}
