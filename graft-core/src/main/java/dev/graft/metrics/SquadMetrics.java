package dev.graft.metrics;

import dev.graft.data.qa.SquadQuestion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact match and F1 for extractive question answering, as the official SQuAD v2.0 evaluation script computes them
 * (for questions with an answer these are the v1.1 script's figures too).
 *
 * <p>Answers are compared after {@link #normalize}: lower case, ASCII punctuation ({@code string.punctuation})
 * removed, the articles a/an/the removed as whole words, whitespace collapsed. F1 is the harmonic mean of the
 * token-level precision and recall over the bag of normalised tokens; when either side has no token it is 1 if both
 * have none, else 0. A question takes the best score over its gold answers; gold answers that normalise to nothing
 * are left out, and a question left without gold answers (v2.0 unanswerable) has the single gold answer {@code ""}.
 * Totals are percentages (0-100), as the script prints them.
 */
public final class SquadMetrics {

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /**
     * Scores over a set of questions (each a percentage, 0-100).
     *
     * @param exact    mean exact match
     * @param f1       mean F1
     * @param total    number of questions
     * @param hasAnsExact mean exact match over questions with gold answers ({@code HasAns_exact}); NaN without any
     * @param hasAnsF1 mean F1 over those
     * @param hasAnsTotal number of questions with an answer
     * @param noAnsExact mean exact match over unanswerable questions ({@code NoAns_exact}; equal to their F1); NaN
     *                 without any
     * @param noAnsTotal number of unanswerable questions
     * @param missing  ids of questions without a prediction, scored 0
     */
    public record Scores(double exact, double f1, int total, double hasAnsExact, double hasAnsF1, int hasAnsTotal,
                         double noAnsExact, int noAnsTotal, List<String> missing) implements TaskMetrics {

        /** The name of exact match in {@link #values()} (the figure a training run may monitor). */
        public static final String EXACT = "squad_exact";
        /** The name of F1 in {@link #values()} (the default figure to monitor). */
        public static final String F1 = "squad_f1";

        /** Copies the list. */
        public Scores {
            missing = List.copyOf(missing);
        }

        /** {@code squad_exact} and {@code squad_f1}, and the HasAns / NoAns figures where there are such questions. */
        @Override
        public Map<String, Double> values() {
            Map<String, Double> m = new java.util.LinkedHashMap<>();
            m.put(EXACT, exact);
            m.put(F1, f1);
            if (noAnsTotal > 0) {
                m.put("has_ans_exact", hasAnsExact);
                m.put("has_ans_f1", hasAnsF1);
                m.put("no_ans_exact", noAnsExact);
            }
            return m;
        }

        /** The official script's keys: {@code exact}, {@code f1}, {@code total}, {@code HasAns_*}, {@code NoAns_*}. */
        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("exact", exact);
            m.put("f1", f1);
            m.put("total", total);
            if (hasAnsTotal > 0) {
                m.put("HasAns_exact", hasAnsExact);
                m.put("HasAns_f1", hasAnsF1);
                m.put("HasAns_total", hasAnsTotal);
            }
            if (noAnsTotal > 0) {
                m.put("NoAns_exact", noAnsExact);
                m.put("NoAns_f1", noAnsExact);
                m.put("NoAns_total", noAnsTotal);
            }
            if (!missing.isEmpty()) {
                m.put("missing", missing.size());
            }
            return m;
        }

        @Override
        public long n() {
            return total;
        }
    }

    /**
     * The best no-answer threshold ({@code find_best_thresh}): predicting no answer where the no-answer probability
     * exceeds {@code threshold} gives the highest mean {@code score}.
     *
     * @param score     that mean, a percentage
     * @param threshold the no-answer probability threshold
     */
    public record BestThreshold(double score, double threshold) {
    }

    private SquadMetrics() {
    }

    /** SQuAD's {@code normalize_answer}: lower case, no punctuation, no articles, single spaces. */
    public static String normalize(String s) {
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        StringBuilder noPunct = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                noPunct.append(c);
            }
        }
        return String.join(" ", splitWhitespace(removeArticles(noPunct.toString())));
    }

    /** {@code re.sub(r'\b(a|an|the)\b', ' ', text)} with Python's Unicode word characters. */
    private static String removeArticles(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (!isWordChar(cp)) {
                out.appendCodePoint(cp);
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < text.length() && isWordChar(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            String word = text.substring(start, i);
            out.append(word.equals("a") || word.equals("an") || word.equals("the") ? " " : word);
        }
        return out.toString();
    }

    /** Python's {@code \w} for str patterns: letters, numbers (any kind) and the underscore. */
    private static boolean isWordChar(int cp) {
        if (cp == '_' || Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    /** Python's {@code str.split()}: runs of whitespace ({@code str.isspace}) separate, no empty parts. */
    private static List<String> splitWhitespace(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isPythonSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            int start = i;
            while (i < s.length() && !isPythonSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }

    private static boolean isPythonSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    private static List<String> tokens(String s) {
        return s.isEmpty() ? List.of() : splitWhitespace(normalize(s));
    }

    /** {@code compute_exact}: 1 when both normalise to the same text, else 0. */
    public static int exact(String gold, String predicted) {
        return normalize(gold).equals(normalize(predicted)) ? 1 : 0;
    }

    /** {@code compute_f1}: token-level F1 of the normalised texts. */
    public static double f1(String gold, String predicted) {
        List<String> g = tokens(gold);
        List<String> p = tokens(predicted);
        if (g.isEmpty() || p.isEmpty()) {
            return g.equals(p) ? 1 : 0;
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String t : g) {
            counts.merge(t, 1, Integer::sum);
        }
        int same = 0;
        for (String t : p) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                same++;
                counts.put(t, c - 1);
            }
        }
        if (same == 0) {
            return 0;
        }
        double precision = 1.0 * same / p.size();
        double recall = 1.0 * same / g.size();
        return (2 * precision * recall) / (precision + recall);
    }

    /** The gold answers a prediction is compared with: those that normalise to some text, or {@code ""} if none. */
    public static List<String> goldAnswers(List<String> answers) {
        List<String> out = answers.stream().filter(a -> !normalize(a).isEmpty()).toList();
        return out.isEmpty() ? List.of("") : out;
    }

    /** The best exact match over the gold answers ({@link #goldAnswers}). */
    public static int bestExact(List<String> answers, String predicted) {
        int best = 0;
        for (String g : goldAnswers(answers)) {
            best = Math.max(best, exact(g, predicted));
        }
        return best;
    }

    /** The best F1 over the gold answers ({@link #goldAnswers}). */
    public static double bestF1(List<String> answers, String predicted) {
        double best = 0;
        for (String g : goldAnswers(answers)) {
            best = Math.max(best, f1(g, predicted));
        }
        return best;
    }

    /** Scores {@code predictions} (question id to answer text, {@code ""} for no answer) without a no-answer model. */
    public static Scores evaluate(List<SquadQuestion> questions, Map<String, String> predictions) {
        return evaluate(questions, predictions, Map.of(), 1.0);
    }

    /**
     * Scores {@code predictions} as the v2.0 script does with a no-answer probability file: a question whose
     * no-answer probability exceeds {@code threshold} counts as answered with no answer (1 for an unanswerable
     * question, 0 otherwise). A question without a probability has probability 0; one without a prediction scores 0
     * and is listed in {@link Scores#missing()}.
     */
    public static Scores evaluate(List<SquadQuestion> questions, Map<String, String> predictions,
                                  Map<String, Double> noAnswerProbabilities, double threshold) {
        double[] sum = new double[4]; // exact, f1, hasAns exact, hasAns f1
        double noAnsSum = 0;
        int hasAns = 0;
        List<String> missing = new ArrayList<>();
        for (SquadQuestion q : questions) {
            String predicted = predictions.get(q.id());
            boolean answerable = !q.answers().isEmpty(); // the script's qid_to_has_ans: bool(qa['answers'])
            double e;
            double f;
            if (predicted == null) {
                missing.add(q.id());
                e = 0;
                f = 0;
            } else if (noAnswerProbabilities.getOrDefault(q.id(), 0.0) > threshold) {
                e = answerable ? 0 : 1;
                f = e;
            } else {
                e = bestExact(q.answerTexts(), predicted);
                f = bestF1(q.answerTexts(), predicted);
            }
            sum[0] += e;
            sum[1] += f;
            if (answerable) {
                hasAns++;
                sum[2] += e;
                sum[3] += f;
            } else {
                noAnsSum += e;
            }
        }
        int n = questions.size();
        int noAns = n - hasAns;
        return new Scores(percent(sum[0], n), percent(sum[1], n), n, percent(sum[2], hasAns), percent(sum[3], hasAns),
                hasAns, percent(noAnsSum, noAns), noAns, missing);
    }

    private static double percent(double sum, int n) {
        return n == 0 ? Double.NaN : 100.0 * sum / n;
    }

    /**
     * {@code find_best_thresh} of the v2.0 script for exact match ({@code f1 = false}) or F1: the no-answer
     * probability threshold under which the mean score is highest. Every question needs a prediction.
     *
     * @throws IllegalArgumentException when a question has no prediction
     */
    public static BestThreshold bestThreshold(List<SquadQuestion> questions, Map<String, String> predictions,
                                              Map<String, Double> noAnswerProbabilities, boolean f1) {
        List<SquadQuestion> byProbability = new ArrayList<>(questions);
        byProbability.sort(java.util.Comparator.comparingDouble(q -> noAnswerProbabilities.getOrDefault(q.id(), 0.0)));
        double current = 0;
        for (SquadQuestion q : questions) {
            current += q.answers().isEmpty() ? 1 : 0;
        }
        double best = current;
        double bestThreshold = 0.0;
        for (SquadQuestion q : byProbability) {
            String predicted = predictions.get(q.id());
            if (predicted == null) {
                throw new IllegalArgumentException("question " + q.id() + " has no prediction");
            }
            double diff;
            if (!q.answers().isEmpty()) {
                diff = f1 ? bestF1(q.answerTexts(), predicted) : bestExact(q.answerTexts(), predicted);
            } else {
                diff = predicted.isEmpty() ? 0 : -1;
            }
            current += diff;
            if (current > best) {
                best = current;
                bestThreshold = noAnswerProbabilities.getOrDefault(q.id(), 0.0);
            }
        }
        return new BestThreshold(100.0 * best / questions.size(), bestThreshold);
    }
}
