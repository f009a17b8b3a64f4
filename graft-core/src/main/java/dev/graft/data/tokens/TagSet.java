package dev.graft.data.tokens;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tags a token classifier predicts, each with its class index.
 */
public final class TagSet {

    private final List<Tag> tags;
    private final Map<Tag, Integer> index = new HashMap<>();

    /**
     * A tag set in the given order.
     *
     * @throws IllegalArgumentException when a tag is repeated or the list is empty
     */
    public TagSet(List<Tag> tags) {
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("a tag set needs at least one tag");
        }
        this.tags = List.copyOf(tags);
        for (int i = 0; i < tags.size(); i++) {
            if (index.put(tags.get(i), i) != null) {
                throw new IllegalArgumentException("tag " + tags.get(i) + " is listed twice");
            }
        }
    }

    /**
     * Every tag {@code scheme} writes for the entity types of {@code sentences}: {@code O} first, then per type (sorted)
     * the scheme's prefixes in the order B, I, E, S, so that two corpora with the same types get the same indices.
     */
    public static TagSet of(List<TaggedSentence> sentences, TagScheme scheme) {
        Set<String> types = new java.util.TreeSet<>();
        for (TaggedSentence s : sentences) {
            for (Tag t : s.tags()) {
                if (!t.isOutside()) {
                    types.add(t.type());
                }
            }
        }
        Set<Tag> out = new LinkedHashSet<>();
        out.add(Tag.OUTSIDE);
        for (String type : types) {
            for (Tag.Prefix p : Tag.Prefix.values()) {
                if (p != Tag.Prefix.O && scheme.allows(p)) {
                    out.add(Tag.of(p, type));
                }
            }
        }
        return new TagSet(new ArrayList<>(out));
    }

    /** The tags, in index order. */
    public List<Tag> tags() {
        return tags;
    }

    /** Number of tags. */
    public int size() {
        return tags.size();
    }

    /**
     * The index of {@code tag}.
     *
     * @throws IllegalArgumentException when the tag is not in the set
     */
    public int indexOf(Tag tag) {
        Integer i = index.get(tag);
        if (i == null) {
            throw new IllegalArgumentException("tag " + tag + " is not one of " + tags);
        }
        return i;
    }

    /** The tag of class {@code i}. */
    public Tag tag(int i) {
        return tags.get(i);
    }

    /** The tag names in index order, e.g. for a model's label list. */
    public List<String> names() {
        return tags.stream().map(Tag::toString).toList();
    }

}
