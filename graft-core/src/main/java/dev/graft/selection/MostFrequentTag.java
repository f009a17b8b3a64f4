package dev.graft.selection;

import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagScheme;
import dev.graft.data.tokens.TaggedSentence;
import dev.graft.metrics.EntityMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The usual baseline of named-entity recognition: every word takes the tag it had most often in the training data
 * (ties: the tag seen first), a word never seen takes {@code O}; each sentence is then written well-formed in the
 * training scheme ({@link TagScheme#convert}). Words are matched exactly, case included.
 */
public final class MostFrequentTag {

    private final Map<String, Tag> tags;
    private final TagScheme scheme;

    private MostFrequentTag(Map<String, Tag> tags, TagScheme scheme) {
        this.tags = tags;
        this.scheme = scheme;
    }

    /** Counts the tags of every word of {@code train}; predictions are written in {@code scheme} (IOB1 is read as IOB2). */
    public static MostFrequentTag fit(List<TaggedSentence> train, TagScheme scheme) {
        Map<String, Map<Tag, Integer>> counts = new HashMap<>();
        for (TaggedSentence s : train) {
            for (int i = 0; i < s.size(); i++) {
                counts.computeIfAbsent(s.tokens().get(i), w -> new java.util.LinkedHashMap<>()).merge(s.tags().get(i), 1, Integer::sum);
            }
        }
        Map<String, Tag> best = new HashMap<>();
        counts.forEach((word, byTag) -> {
            Tag top = null;
            int n = 0;
            for (Map.Entry<Tag, Integer> e : byTag.entrySet()) {
                if (e.getValue() > n) {
                    top = e.getKey();
                    n = e.getValue();
                }
            }
            best.put(word, top);
        });
        return new MostFrequentTag(best, scheme == TagScheme.IOB1 ? TagScheme.IOB2 : scheme);
    }

    /** The tags of each sentence's words. */
    public List<List<Tag>> predict(List<TaggedSentence> sentences) {
        List<List<Tag>> out = new ArrayList<>(sentences.size());
        for (TaggedSentence s : sentences) {
            List<Tag> t = new ArrayList<>(s.size());
            for (String w : s.tokens()) {
                t.add(tags.getOrDefault(w, Tag.OUTSIDE));
            }
            out.add(scheme.convert(t));
        }
        return out;
    }

    /** Entity precision, recall and F1 of the predictions on {@code sentences} (seqeval's default mode). */
    public EntityMetrics.Scores score(List<TaggedSentence> sentences) {
        List<List<Tag>> gold = new ArrayList<>(sentences.size());
        sentences.forEach(s -> gold.add(s.tags()));
        return EntityMetrics.score(gold, predict(sentences));
    }

    /** Number of distinct words seen in training. */
    public int vocabulary() {
        return tags.size();
    }
}
