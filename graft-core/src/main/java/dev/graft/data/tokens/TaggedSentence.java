package dev.graft.data.tokens;

import java.util.Arrays;
import java.util.List;

/**
 * One sentence of tokens, each with its entity tag, and where each token was read.
 */
public final class TaggedSentence {

    private final List<String> tokens;
    private final List<Tag> tags;
    private final int[] lines;

    /**
     * A sentence.
     *
     * @param tokens the words, at least one
     * @param tags   one tag per word
     * @param lines  the 1-based line each word was read from, one per word
     * @throws IllegalArgumentException when the three differ in length or the sentence is empty
     */
    public TaggedSentence(List<String> tokens, List<Tag> tags, int[] lines) {
        if (tokens.isEmpty() || tokens.size() != tags.size() || tokens.size() != lines.length) {
            throw new IllegalArgumentException("a sentence needs at least one token and one tag and one line number per"
                    + " token, got " + tokens.size() + " tokens, " + tags.size() + " tags, " + lines.length + " lines");
        }
        this.tokens = List.copyOf(tokens);
        this.tags = List.copyOf(tags);
        this.lines = lines.clone();
    }

    /** A sentence read from one line (JSON Lines), or made in code ({@code line} 0). */
    public static TaggedSentence onOneLine(List<String> tokens, List<Tag> tags, int line) {
        int[] lines = new int[tokens.size()];
        Arrays.fill(lines, line);
        return new TaggedSentence(tokens, tags, lines);
    }

    /** The words. */
    public List<String> tokens() {
        return tokens;
    }

    /** The tags, one per word. */
    public List<Tag> tags() {
        return tags;
    }

    /** The number of words. */
    public int size() {
        return tokens.size();
    }

    /** The 1-based line word {@code index} was read from. */
    public int line(int index) {
        return lines[index];
    }

    /** The same words with other tags (e.g. converted to another scheme). */
    public TaggedSentence withTags(List<Tag> newTags) {
        return new TaggedSentence(tokens, newTags, lines);
    }

    /** The entities, read as seqeval's default mode reads them ({@link Chunks#lenient}). */
    public List<EntitySpan> entities() {
        return Chunks.lenient(tags);
    }
}
