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

    /**
     * The words of a raw text as CoNLL-style corpora write them: split at whitespace, then punctuation at either end of
     * a piece ({@code ( " ' , ; : ! ?}, closing brackets and quotes, a final {@code .} unless the piece holds another
     * {@code .} as in {@code U.S.} or is an abbreviation as in {@code Mr.}, {@code Corp.} or an initial) and a final
     * {@code 's} become words of their own. The words keep their places in
     * {@code text}, so predictions come back as character ranges of it.
     */
    public static WordSequence tokenized(String text) {
        WordSequence pieces = split(text);
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            int a = pieces.start(i);
            int b = pieces.end(i);
            while (a < b - 1 && LEADING.indexOf(text.charAt(a)) >= 0) {
                spans.add(new int[] {a, a + 1});
                a++;
            }
            List<int[]> tail = new ArrayList<>();
            while (b - 1 > a && (TRAILING.indexOf(text.charAt(b - 1)) >= 0
                    || text.charAt(b - 1) == '.' && text.substring(a, b - 1).indexOf('.') < 0
                    && !abbreviation(text.substring(a, b - 1)))) {
                tail.add(0, new int[] {b - 1, b});
                b--;
            }
            if (b - a > 2 && (text.charAt(b - 2) == '\'' || text.charAt(b - 2) == '\u2019')
                    && (text.charAt(b - 1) == 's' || text.charAt(b - 1) == 'S')) {
                spans.add(new int[] {a, b - 2});
                spans.add(new int[] {b - 2, b});
            } else {
                spans.add(new int[] {a, b});
            }
            spans.addAll(tail);
        }
        return new WordSequence(text, spans.stream().mapToInt(s -> s[0]).toArray(), spans.stream().mapToInt(s -> s[1]).toArray());
    }

    /**
     * Whether {@code word} followed by a full stop is an abbreviation, which CoNLL-2003 writes as one word with its
     * stop ({@code Mr.}, {@code Corp.}, {@code Jan.}): a title, a company or place suffix, a month, or an initial (one
     * capital letter). Case matters: {@code no.} ends a sentence.
     */
    static boolean abbreviation(String word) {
        return word.length() == 1 && Character.isUpperCase(word.charAt(0)) || ABBREVIATIONS.contains(word);
    }

    private static final java.util.Set<String> ABBREVIATIONS = java.util.Set.of(
            "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Ft", "Gen", "Lt", "Col", "Capt", "Sgt", "Maj", "Adm",
            "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Insp", "Cmdr",
            "Inc", "Ltd", "Co", "Corp", "Bros", "Plc", "Cie", "Dept", "Univ", "Assn", "Ave", "Blvd", "Rd",
            "Jan", "Feb", "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "vs", "etc", "approx");

    private static final String LEADING = "([{\"'\u201c\u2018";
    private static final String TRAILING = ",;:!?)]}\"'\u201d\u2019";

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
