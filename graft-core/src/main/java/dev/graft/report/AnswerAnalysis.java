package dev.graft.report;

import dev.graft.data.qa.SquadAnswer;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.metrics.SquadMetrics;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.task.SpanTask;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The error analysis of a question-answering model that a report shows: its scores next to the baselines' on the same
 * questions, and the questions it answered worst, with their gold and predicted answers.
 *
 * @param split     the questions' split ({@code "test"} or {@code "validation"})
 * @param model     the model's exact match and F1 on them
 * @param baselines each baseline's scores on the same questions, by name
 * @param worst     the worst-answered questions: lowest F1 first, the most confident answer first among equals
 * @param questions how many questions were analysed
 */
public record AnswerAnalysis(String split, SquadMetrics.Scores model, Map<String, SquadMetrics.Scores> baselines,
                             List<Question> worst, int questions) {

    /** How many questions {@link #of(QuestionAnswering.Answered, SquadMetrics.Scores, Map)} keeps. */
    public static final int DEFAULT_WORST = 20;

    /** Copies the collections. */
    public AnswerAnalysis {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(model, "model");
        baselines = new LinkedHashMap<>(baselines);
        worst = List.copyOf(worst);
    }

    /**
     * One answered question.
     *
     * @param index     its position in its split (0-based)
     * @param question  the question with its context
     * @param gold      the gold answers (empty: unanswerable)
     * @param predicted the model's answer ({@code ""}: no answer)
     * @param score     the model's probability for its answer
     * @param exact     exact match with the best gold answer (0 or 1)
     * @param f1        F1 against the best gold answer (0-1)
     */
    public record Question(int index, SquadQuestion question, List<SquadAnswer> gold, String predicted, double score,
                           int exact, double f1) {

        /** Copies the answers. */
        public Question {
            Objects.requireNonNull(question, "question");
            gold = List.copyOf(gold);
            Objects.requireNonNull(predicted, "predicted");
        }
    }

    /**
     * The analysis of {@code answered}, keeping the {@value #DEFAULT_WORST} worst questions that are not answered exactly.
     *
     * @param model     the model's scores on {@code answered}'s questions
     * @param baselines each baseline's scores on the same questions
     */
    public static AnswerAnalysis of(QuestionAnswering.Answered answered, SquadMetrics.Scores model,
                                    Map<String, SquadMetrics.Scores> baselines) {
        return of(answered, model, baselines, DEFAULT_WORST);
    }

    /** As {@link #of(QuestionAnswering.Answered, SquadMetrics.Scores, Map)}, keeping at most {@code maxWorst} questions. */
    public static AnswerAnalysis of(QuestionAnswering.Answered answered, SquadMetrics.Scores model,
                                    Map<String, SquadMetrics.Scores> baselines, int maxWorst) {
        List<Question> wrong = new ArrayList<>();
        for (int i = 0; i < answered.questions().size(); i++) {
            SquadQuestion q = answered.questions().get(i);
            SpanTask.Answer a = answered.answers().get(i);
            List<String> gold = q.answers().stream().map(SquadAnswer::text).toList();
            int exact = SquadMetrics.bestExact(gold, a.text());
            if (exact == 0) {
                wrong.add(new Question(i, q, q.answers(), a.text(), a.score(), exact, SquadMetrics.bestF1(gold, a.text())));
            }
        }
        wrong.sort(Comparator.comparingDouble(Question::f1)
                .thenComparing(Comparator.comparingDouble((Question w) -> Double.isNaN(w.score()) ? 0 : w.score()).reversed())
                .thenComparingInt(Question::index));
        return new AnswerAnalysis(answered.split(), model, baselines, wrong.subList(0, Math.min(maxWorst, wrong.size())),
                answered.questions().size());
    }
}
