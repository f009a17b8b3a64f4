package dev.graft.data.tokens;

import java.util.List;

/**
 * A tagger's word tags next to the gold tags of the same sentences (for error analysis).
 *
 * @param split     what the sentences are ({@code "test"}, {@code "validation"})
 * @param words     the words of each sentence
 * @param gold      the gold tags, one per word
 * @param predicted the predicted tags, one per word
 */
public record TaggedPredictions(String split, List<List<String>> words, List<List<Tag>> gold, List<List<Tag>> predicted) {

    /** Copies the lists and checks that every sentence has one gold and one predicted tag per word. */
    public TaggedPredictions {
        words = words.stream().map(List::copyOf).toList();
        gold = gold.stream().map(List::copyOf).toList();
        predicted = predicted.stream().map(List::copyOf).toList();
        if (gold.size() != words.size() || predicted.size() != words.size()) {
            throw new IllegalArgumentException(words.size() + " sentences but " + gold.size() + " gold and "
                    + predicted.size() + " predicted tag lists");
        }
        for (int s = 0; s < words.size(); s++) {
            int n = words.get(s).size();
            if (gold.get(s).size() != n || predicted.get(s).size() != n) {
                throw new IllegalArgumentException("sentence " + s + " has " + n + " words but " + gold.get(s).size()
                        + " gold and " + predicted.get(s).size() + " predicted tags");
            }
        }
    }
}
