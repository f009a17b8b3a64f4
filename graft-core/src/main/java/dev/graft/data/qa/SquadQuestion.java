package dev.graft.data.qa;

import java.util.List;
import java.util.Objects;

/**
 * One extractive question with its context and gold answers.
 *
 * @param id         the question id (SQuAD's {@code id})
 * @param title      the article title, empty when unknown
 * @param context    the paragraph the answer is taken from (shared by the questions on it)
 * @param question   the question
 * @param answers    the gold answers, each checked against the context; empty when {@code impossible}
 * @param impossible whether the context holds no answer (SQuAD v2.0's {@code is_impossible})
 */
public record SquadQuestion(String id, String title, String context, String question, List<SquadAnswer> answers,
                            boolean impossible) {

    /** Copies the answers and checks that each lies in the context. */
    public SquadQuestion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(question, "question");
        answers = List.copyOf(answers);
        for (SquadAnswer a : answers) {
            if (a.end() > context.length() || !context.startsWith(a.text(), a.start())) {
                throw new IllegalArgumentException("question " + id + ": answer '" + a.text() + "' is not at "
                        + a.start() + " in its context");
            }
        }
    }

    /** The texts of the gold answers, in order. */
    public List<String> answerTexts() {
        return answers.stream().map(SquadAnswer::text).toList();
    }
}
