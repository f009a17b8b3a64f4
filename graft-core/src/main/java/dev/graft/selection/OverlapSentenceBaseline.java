package dev.graft.selection;

import dev.graft.data.qa.SquadQuestion;
import dev.graft.metrics.SquadMetrics;
import java.text.BreakIterator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lexical baseline of extractive question answering, with no training and no model: the context is split into
 * sentences ({@link BreakIterator}, English rules) and the sentence sharing the most distinct content words with the
 * question is chosen (words compared after {@link SquadMetrics#normalize}; a few function words and question words
 * do not count; ties go to the earlier sentence). Its answer is either the whole sentence or, trimmed, its longest
 * stretch of words that are not in the question (the answer is rarely a word of the question). It shows what
 * word overlap alone reaches, so that a trained model's exact match and F1 can be read against it. Deterministic.
 */
public final class OverlapSentenceBaseline {

    /** Words that do not count as overlap (hand-picked: articles, auxiliaries, prepositions, question words). */
    private static final Set<String> STOP = Set.of("what", "which", "who", "whom", "whose", "when", "where", "why", "how",
            "is", "are", "was", "were", "be", "been", "do", "does", "did", "of", "in", "on", "at", "to", "for", "by",
            "with", "from", "and", "or", "as", "that", "this", "it", "its", "s");
    private static final Pattern WORD = Pattern.compile("\\S+");

    private final boolean trim;

    private OverlapSentenceBaseline(boolean trim) {
        this.trim = trim;
    }

    /** Answers with the whole best sentence. */
    public static OverlapSentenceBaseline sentence() {
        return new OverlapSentenceBaseline(false);
    }

    /** Answers with the best sentence's longest stretch of words that are not question words. */
    public static OverlapSentenceBaseline trimmed() {
        return new OverlapSentenceBaseline(true);
    }

    /** Its name in reports. */
    public String name() {
        return trim ? "overlap-sentence-trimmed" : "overlap-sentence";
    }

    /** The answer to {@code q}: a substring of its context (empty only for an empty context). */
    public String answer(SquadQuestion q) {
        Set<String> asked = words(q.question());
        String context = q.context();
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        sentences.setText(context);
        int bestStart = 0;
        int bestEnd = context.length();
        int bestOverlap = -1;
        for (int s = sentences.first(), e = sentences.next(); e != BreakIterator.DONE; s = e, e = sentences.next()) {
            Set<String> shared = words(context.substring(s, e));
            shared.retainAll(asked);
            if (shared.size() > bestOverlap) {
                bestOverlap = shared.size();
                bestStart = s;
                bestEnd = e;
            }
        }
        return trim ? longestNewStretch(context, bestStart, bestEnd, asked) : context.substring(bestStart, bestEnd).strip();
    }

    /** The longest run of consecutive words of {@code context[start, end)} that are not in {@code asked}. */
    private static String longestNewStretch(String context, int start, int end, Set<String> asked) {
        Matcher m = WORD.matcher(context).region(start, end);
        int runStart = -1;
        int runEnd = -1;
        int bestStart = start;
        int bestEnd = start;
        int runWords = 0;
        int bestWords = 0;
        while (m.find()) {
            String w = SquadMetrics.normalize(m.group());
            boolean inQuestion = w.isEmpty() || asked.contains(w) || STOP.contains(w);
            if (inQuestion) {
                runStart = -1;
                runWords = 0;
                continue;
            }
            if (runStart < 0) {
                runStart = m.start();
            }
            runEnd = m.end();
            runWords++;
            if (runWords > bestWords) {
                bestWords = runWords;
                bestStart = runStart;
                bestEnd = runEnd;
            }
        }
        return bestWords == 0 ? context.substring(start, end).strip() : context.substring(bestStart, bestEnd);
    }

    private static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        for (String w : SquadMetrics.normalize(text).split(" ")) {
            if (!w.isEmpty() && !STOP.contains(w)) {
                out.add(w);
            }
        }
        return out;
    }

    /** Exact match and F1 of this baseline's answers to {@code questions}. */
    public SquadMetrics.Scores score(List<SquadQuestion> questions) {
        Map<String, String> predictions = new HashMap<>();
        for (SquadQuestion q : questions) {
            predictions.put(q.id(), answer(q));
        }
        return SquadMetrics.evaluate(questions, predictions);
    }
}
