package dev.graft.data.tokens;

import java.util.ArrayList;
import java.util.List;

/**
 * Words and where each stands in a text, so that predictions made on sub-tokens can be given back as character
 * ranges of that text.
 *
 * @param text   the text
 * @param starts each word's first character (UTF-16 index into {@code text})
 * @param ends   each word's end character, exclusive
 */
public record WordSequence(String text, int[] starts, int[] ends) {

    /** Checks that the words lie in order inside the text. */
    public WordSequence {
        if (starts.length != ends.length) {
            throw new IllegalArgumentException("starts and ends differ in length: " + starts.length + " vs " + ends.length);
        }
        int previousEnd = 0;
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] < previousEnd || ends[i] <= starts[i] || ends[i] > text.length()) {
                throw new IllegalArgumentException("word " + i + " at " + starts[i] + ".." + ends[i]
                        + " is empty, out of order or outside the text of " + text.length() + " characters");
            }
            previousEnd = ends[i];
        }
        starts = starts.clone();
        ends = ends.clone();
    }

    /** The words joined by single spaces: the text of a corpus that gives only words (CoNLL). */
    public static WordSequence joined(List<String> words) {
        StringBuilder sb = new StringBuilder();
        int[] starts = new int[words.size()];
        int[] ends = new int[words.size()];
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).isEmpty()) {
                throw new IllegalArgumentException("word " + i + " is empty");
            }
            if (i > 0) {
                sb.append(' ');
            }
            starts[i] = sb.length();
            sb.append(words.get(i));
            ends[i] = sb.length();
        }
        return new WordSequence(sb.toString(), starts, ends);
    }

    /** The words of {@code text} split at whitespace ({@link Character#isWhitespace}). */
    public static WordSequence split(String text) {
        List<int[]> spans = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                spans.add(new int[] {start, i});
            }
        }
        return new WordSequence(text, spans.stream().mapToInt(s -> s[0]).toArray(), spans.stream().mapToInt(s -> s[1]).toArray());
    }

    /** The number of words. */
    public int size() {
        return starts.length;
    }

    /** Word {@code i}. */
    public String word(int i) {
        return text.substring(starts[i], ends[i]);
    }

    /** All words, in order. */
    public List<String> words() {
        List<String> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(word(i));
        }
        return out;
    }

    /** Start of word {@code i} in the text. */
    public int start(int i) {
        return starts[i];
    }

    /** End (exclusive) of word {@code i} in the text. */
    public int end(int i) {
        return ends[i];
    }
}
