package dev.graft.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.qa.SquadAnswer;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.metrics.SquadMetrics;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.task.SpanTask;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link AnswerAnalysis}: which questions count as worst and in what order; {@link AnswerReport}: what the section shows. */
class AnswerReportTest {

    private static final String CONTEXT = "Ada <Lovelace> was born in London in 1815. She worked with Charles Babbage.";

    private static SquadQuestion question(String id, String q, String gold) {
        return new SquadQuestion(id, "t", CONTEXT, q, List.of(new SquadAnswer(gold, CONTEXT.indexOf(gold))), false);
    }

    private static SpanTask.Answer answer(String text, double score) {
        int start = CONTEXT.indexOf(text);
        return new SpanTask.Answer(text, start, start + text.length(), score, 0, text);
    }

    @Test
    void worstQuestionsAreTheLowestF1FirstAndTheMostConfidentAmongEquals() {
        List<SquadQuestion> qs = List.of(
                question("a", "Where was she born?", "London"),               // exact: not listed
                question("b", "When was she born?", "1815"),                  // F1 0, score 0.2
                question("c", "Who did she work with?", "Charles Babbage"),   // F1 2/3 (one word of two, precision 1)
                question("d", "What is her name?", "Ada <Lovelace>"));        // F1 0, score 0.9
        List<SpanTask.Answer> as = List.of(answer("London", 0.8), answer("London", 0.2), answer("Babbage", 0.5),
                answer("1815", 0.9));
        Map<String, String> predicted = new HashMap<>();
        for (int i = 0; i < qs.size(); i++) {
            predicted.put(qs.get(i).id(), as.get(i).text());
        }
        SquadMetrics.Scores model = SquadMetrics.evaluate(qs, predicted);
        AnswerAnalysis a = AnswerAnalysis.of(new QuestionAnswering.Answered("test", qs, as), model,
                Map.of("overlap-sentence", model));
        assertEquals(4, a.questions());
        assertEquals(List.of(3, 1, 2), a.worst().stream().map(AnswerAnalysis.Question::index).toList());
        assertEquals(SquadMetrics.bestF1(List.of("Charles Babbage"), "Babbage"), a.worst().get(2).f1(), 1e-12);
        assertEquals(2.0 / 3, a.worst().get(2).f1(), 1e-12);
        assertEquals(1, AnswerAnalysis.of(new QuestionAnswering.Answered("test", qs, as), model, Map.of(), 1).worst().size());

        StringBuilder h = new StringBuilder();
        AnswerReport.sections(h, a);
        String html = h.toString();
        assertTrue(html.contains("<h2>Model and baselines (test, 4 questions)</h2>"), html);
        assertTrue(html.contains(String.format(java.util.Locale.ROOT, "<tr><th>model</th><td>%.2f</td><td>%.2f</td></tr>",
                model.exact(), model.f1())), html);
        assertTrue(html.contains("<tr><th>baseline overlap-sentence</th>"), html);
        // the gold answer is escaped and marked in the context; the wrong prediction is marked too
        assertTrue(html.contains("<mark class=\"miss\">Ada &lt;Lovelace&gt;</mark>"), html);
        assertTrue(html.contains("<mark class=\"bad\">1815</mark>"), html);
        assertFalse(html.contains("<Lovelace>"), "data text is escaped");
        // a partly right answer: the predicted word lies inside the gold answer
        assertTrue(html.contains("<mark class=\"miss\">Charles </mark><mark class=\"ok\">Babbage</mark>"), html);
    }
}
