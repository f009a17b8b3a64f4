package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.qa.SquadAnswer;
import dev.graft.data.qa.SquadQuestion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SQuAD exact match and F1. {@code squad_reference.json} holds answer pairs scored by the official SQuAD v2.0
 * evaluation script's {@code normalize_answer}, {@code compute_exact} and {@code compute_f1} under Python 3.11.7
 * (Unicode punctuation, articles inside words, non-breaking and thin spaces, Greek final sigma, dotted capital I).
 */
class SquadMetricsTest {

    @Test
    void normalisationExactAndF1EqualTheOfficialScript() throws IOException {
        JsonNode ref;
        try (InputStream in = SquadMetricsTest.class.getResourceAsStream("squad_reference.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        assertTrue(ref.get("produced_by").asText().contains("SQuAD v2.0"));
        for (JsonNode p : ref.get("pairs")) {
            String gold = p.get("gold").asText();
            String pred = p.get("pred").asText();
            String what = "'" + gold + "' vs '" + pred + "'";
            assertEquals(p.get("normalized_gold").asText(), SquadMetrics.normalize(gold), what);
            assertEquals(p.get("normalized_pred").asText(), SquadMetrics.normalize(pred), what);
            assertEquals(p.get("exact").asInt(), SquadMetrics.exact(gold, pred), what);
            assertEquals(p.get("f1").asDouble(), SquadMetrics.f1(gold, pred), 0.0, what);
        }
        assertEquals(30, ref.get("pairs").size());
    }

    private static SquadQuestion question(String id, String context, String... answers) {
        List<SquadAnswer> a = new ArrayList<>();
        for (String text : answers) {
            a.add(new SquadAnswer(text, context.indexOf(text)));
        }
        return new SquadQuestion(id, "", context, "?", a, a.isEmpty());
    }

    @Test
    void evaluatesTheBestGoldAnswerAndNoAnswerQuestions() {
        String c = "The Denver Broncos beat the Carolina Panthers 24 to 10 in Santa Clara.";
        List<SquadQuestion> qs = List.of(
                question("1", c, "Denver Broncos", "The Denver Broncos"),
                question("2", c, "Carolina Panthers"),
                question("3", c, "Santa Clara"),
                question("4", c),
                question("5", c));
        Map<String, String> preds = Map.of("1", "the Denver Broncos!", "2", "Panthers", "3", "Clara, California",
                "4", "", "5", "Santa Clara");
        SquadMetrics.Scores s = SquadMetrics.evaluate(qs, preds);
        // exact: 1, 0, 0, 1 (no answer, none predicted), 0; F1: 1, 2/3 (P 1, R 1/2), 1/2 (P 1/2, R 1), 1, 0
        assertEquals(100.0 * 2 / 5, s.exact(), 1e-12);
        assertEquals(100.0 * (1 + 2.0 / 3 + 0.5 + 1 + 0) / 5, s.f1(), 1e-12);
        assertEquals(3, s.hasAnsTotal());
        assertEquals(100.0 / 3, s.hasAnsExact(), 1e-12);
        assertEquals(100.0 * (1 + 2.0 / 3 + 0.5) / 3, s.hasAnsF1(), 1e-12);
        assertEquals(2, s.noAnsTotal());
        assertEquals(50.0, s.noAnsExact(), 1e-12);

        // no-answer probabilities above the threshold count as "no answer" (apply_no_ans_threshold)
        Map<String, Double> na = Map.of("1", 0.1, "2", 0.9, "3", 0.2, "4", 0.3, "5", 0.8);
        SquadMetrics.Scores t = SquadMetrics.evaluate(qs, preds, na, 0.5);
        assertEquals(100.0 * (1 + 0 + 0 + 1 + 1) / 5, t.exact(), 1e-12);
        assertEquals(100.0 * (1 + 0 + 0.5 + 1 + 1) / 5, t.f1(), 1e-12);

        // find_best_thresh: start from all-no-answer (2 right), walk questions by probability
        // 1 (0.1): +1 -> 3; 3 (0.2): +0 exact -> 3; 4 (0.3): empty prediction, +0; 5 (0.8): -1 -> 2; 2 (0.9): +0
        SquadMetrics.BestThreshold be = SquadMetrics.bestThreshold(qs, preds, na, false);
        assertEquals(60.0, be.score(), 1e-12);
        assertEquals(0.1, be.threshold(), 0.0);
        // F1: 1 -> 3; 3 -> 3.5 (0.2); 4 -> 3.5; 5 -> 2.5; 2 -> 2.5 + 2/3
        SquadMetrics.BestThreshold bf = SquadMetrics.bestThreshold(qs, preds, na, true);
        assertEquals(100.0 * 3.5 / 5, bf.score(), 1e-12);
        assertEquals(0.2, bf.threshold(), 0.0);
    }

    @Test
    void aMissingPredictionScoresZeroAndIsListed() {
        String c = "Paris is the capital of France.";
        SquadMetrics.Scores s = SquadMetrics.evaluate(List.of(question("a", c, "Paris"), question("b", c, "France")),
                Map.of("a", "paris"));
        assertEquals(50.0, s.exact(), 1e-12);
        assertEquals(List.of("b"), s.missing());
    }

    @Test
    void goldAnswersThatNormaliseToNothingAreLeftOut() {
        assertEquals(List.of(""), SquadMetrics.goldAnswers(List.of("The", "a!")));
        assertEquals(List.of("the cat"), SquadMetrics.goldAnswers(List.of("an", "the cat")));
        assertEquals(1, SquadMetrics.bestExact(List.of("The"), ""));
        assertEquals(1.0, SquadMetrics.bestF1(List.of("The", "Cat"), "cat"), 0.0);
    }
}
