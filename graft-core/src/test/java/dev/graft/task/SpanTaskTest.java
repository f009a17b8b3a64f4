package dev.graft.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.artifact.QuestionAnswerer;
import dev.graft.data.qa.QaEncoder;
import dev.graft.data.qa.QaFeature;
import dev.graft.data.qa.SquadAnswer;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.metrics.SquadMetrics;
import dev.graft.model.text.TextModels;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Answers decoded from hand-made start/end scores over real windows: a span found in two overlapping windows, the
 * longest-answer limit, the no-answer decision and its tuned threshold; and the loss over a window's own positions.
 */
class SpanTaskTest {

    private static SubwordTokenizer tokenizer;

    @BeforeAll
    static void open() {
        tokenizer = SubwordTokenizer.open(TextModels.resolve("minilm").tokenizerFile());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static SpanTask task(int maxAnswer, boolean noAnswer, double threshold) {
        return new SpanTask(32, 16, 8, maxAnswer, 20, noAnswer, threshold);
    }

    /** A context long enough for several windows of 32 positions, the answer somewhere in its middle. */
    private static SquadQuestion question(String id, boolean answerable) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append("Filler sentence ").append(i).append(" tells nothing. ");
        }
        int start = sb.length() + "The cup was won by ".length();
        sb.append("The cup was won by Denver Broncos in the final. ");
        for (int i = 6; i < 12; i++) {
            sb.append("Filler sentence ").append(i).append(" tells nothing. ");
        }
        return new SquadQuestion(id, "", sb.toString(), "Who won the cup?",
                answerable ? List.of(new SquadAnswer("Denver Broncos", start)) : List.of(), !answerable);
    }

    /** Position of context character {@code c}'s token in window {@code f}, or -1. */
    private static int position(QaFeature f, int c) {
        for (int p = 0; p < f.input().length(); p++) {
            if (f.inContext(p) && f.charStarts()[p] <= c && c < f.charEnds()[p]) {
                return p;
            }
        }
        return -1;
    }

    /** Scores of 0 everywhere (start, end interleaved), padded by {@code padding} positions of huge scores. */
    private static float[][] flat(Targets.Spans spans, int padding) {
        float[][] out = new float[spans.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[(spans.windows().get(i).input().length() + padding) * 2];
            Arrays.fill(out[i], spans.windows().get(i).input().length() * 2, out[i].length, 1e6f);
        }
        return out;
    }

    @Test
    void theBestSpanOverAllWindowsIsFoundOnceAndMapsToContextCharacters() {
        SquadQuestion q = question("q", true);
        SpanTask task = task(30, false, 0);
        Targets.Spans spans = QuestionAnswerer.encode(task.encoder(tokenizer), List.of(q));
        int answerStart = q.answers().get(0).start();
        int answerLast = q.answers().get(0).end() - 1;
        List<Integer> holding = new java.util.ArrayList<>();
        for (int w = 0; w < spans.size(); w++) {
            QaFeature f = spans.windows().get(w);
            if (position(f, answerStart) >= 0 && position(f, answerLast) >= 0) {
                holding.add(w);
            }
        }
        assertTrue(spans.size() >= 3 && holding.size() >= 2, "the answer lies in the overlap of windows " + holding
                + " of " + spans.size());
        float[][] scores = flat(spans, 3); // padded positions score highest, and must never be read
        // the answer scores 4 + 4 in its first window and 5 + 5 in its second; a decoy scores 6 + 1 in the last window
        int[] weights = {4, 5};
        for (int k = 0; k < 2; k++) {
            int w = holding.get(k);
            QaFeature f = spans.windows().get(w);
            scores[w][position(f, answerStart) * 2] = weights[k];
            scores[w][position(f, answerLast) * 2 + 1] = weights[k];
        }
        int last = spans.size() - 1;
        QaFeature lf = spans.windows().get(last);
        int decoy = lf.input().length() - 3; // a context token near the window's end
        assertTrue(lf.inContext(decoy));
        scores[last][decoy * 2] = 6;
        scores[last][decoy * 2 + 1] = 1;

        SpanTask.Answer a = task.answers(scores, spans).get(0);
        assertEquals("Denver Broncos", a.text());
        assertEquals(answerStart, a.start());
        assertEquals(q.answers().get(0).end(), a.end());
        assertEquals(a.text(), q.context().substring(a.start(), a.end()));
        // softmax over the n-best distinct spans: the answer counts once, with its best score 10
        assertTrue(a.score() > 0.5 && a.score() < 1, "probability " + a.score());
        SquadMetrics.Scores s = task.score(scores, spans);
        assertEquals(100.0, s.exact());
        assertEquals(100.0, s.f1());
    }

    @Test
    void answersLongerThanTheLimitAreNotConsidered() {
        SquadQuestion q = question("q", true);
        Targets.Spans spans = QuestionAnswerer.encode(task(30, false, 0).encoder(tokenizer), List.of(q));
        int w = 0;
        while (!(position(spans.windows().get(w), q.answers().get(0).start()) >= 0
                && spans.windows().get(w).inContext(position(spans.windows().get(w), q.answers().get(0).end() - 1) + 4))) {
            w++; // the first window holding the answer and four tokens after it
        }
        QaFeature f = spans.windows().get(w);
        int s = position(f, q.answers().get(0).start());
        int e = position(f, q.answers().get(0).end() - 1);
        int far = e + 4; // a longer span from the same start scores higher
        float[][] scores = flat(spans, 0);
        scores[w][s * 2] = 5;
        scores[w][far * 2 + 1] = 5;
        scores[w][e * 2 + 1] = 3;
        int tokens = e - s + 1;
        assertEquals(q.context().substring(f.charStarts()[s], f.charEnds()[far]),
                task(30, false, 0).answers(scores, spans).get(0).text(), "within the limit the longer span wins");
        assertEquals("Denver Broncos", task(tokens, false, 0).answers(scores, spans).get(0).text(),
                "a limit of " + tokens + " tokens leaves the answer");
    }

    @Test
    void noAnswerWhenItsScoreBeatsTheBestSpanByMoreThanTheThresholdAndTheThresholdIsTunedForF1() {
        SquadQuestion answerable = question("a", true);
        SquadQuestion unanswerable = question("u", false);
        SpanTask task = task(30, true, 0);
        Targets.Spans spans = QuestionAnswerer.encode(task.encoder(tokenizer), List.of(answerable, unanswerable));
        float[][] scores = flat(spans, 0);
        for (int qi = 0; qi < 2; qi++) {
            for (int w = 0; w < spans.windowsOf(qi).size(); w++) {
                int row = spans.firstWindow(qi) + w;
                QaFeature f = spans.windows().get(row);
                int s = position(f, answerable.answers().get(0).start());
                int e = position(f, answerable.answers().get(0).end() - 1);
                if (s >= 0 && e >= 0) {
                    scores[row][s * 2] = 2;
                    scores[row][e * 2 + 1] = 2;
                }
                // [CLS]: null score 3 (gap -1) for the answerable question, 7 (gap +3) for the unanswerable one
                scores[row][0] = qi == 0 ? 1.5f : 3.5f;
                scores[row][1] = qi == 0 ? 1.5f : 3.5f;
            }
        }
        List<SpanTask.Answer> atZero = task.answers(scores, spans);
        assertEquals("Denver Broncos", atZero.get(0).text());
        assertEquals(-1.0, atZero.get(0).nullGap(), 1e-6);
        assertTrue(atZero.get(1).none(), "gap 3 > threshold 0: no answer");
        assertEquals(-1, atZero.get(1).start());
        assertEquals("Denver Broncos", atZero.get(1).bestSpan());

        List<SpanTask.Answer> atFive = task.withNullThreshold(5).answers(scores, spans);
        assertFalse(atFive.get(1).none(), "gap 3 < threshold 5: the best span");
        List<SpanTask.Answer> atMinusTwo = task.withNullThreshold(-2).answers(scores, spans);
        assertTrue(atMinusTwo.get(0).none() && atMinusTwo.get(1).none(), "both gaps exceed -2");

        SpanTask badlySet = task.withNullThreshold(10);
        assertEquals(50.0, badlySet.score(scores, spans).f1(), 1e-9, "threshold 10 answers the unanswerable one");
        SpanTask tuned = badlySet.calibrated(scores, spans);
        assertTrue(tuned.nullThreshold() >= -1 && tuned.nullThreshold() < 3, "between the two gaps: " + tuned.nullThreshold());
        SquadMetrics.Scores best = tuned.score(scores, spans);
        assertEquals(100.0, best.f1(), 1e-9);
        assertEquals(100.0, best.hasAnsExact(), 1e-9);
        assertEquals(100.0, best.noAnsExact(), 1e-9);
        assertTrue(best.values().containsKey("no_ans_exact"));

        SpanTask v1 = task(30, false, 0);
        assertEquals("Denver Broncos", v1.answers(scores, spans).get(1).text(), "a v1.1 model always answers");
        assertEquals(v1, v1.calibrated(scores, spans));
    }

    @Test
    void lossIsTheMeanStartAndEndCrossEntropyOverTheWindowsOwnPositions() {
        SpanTask task = task(30, false, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            // two windows padded to 4 positions: lengths 3 and 4; targets (start, end) = (1, 2) and (0, 0)
            float[] out = {
                    0, 0, 2, 0, 0, 1, 50, 50, // window 0: position 3 is padding with huge scores
                    1, 1, 0, 0, 0, 0, 0, 0};
            NDArray outputs = m.create(out, new Shape(2, 4, 2));
            NDArray targets = m.create(new long[] {1, 2, 3, 0, 0, 4}, new Shape(2, 3));
            double loss = task.loss(outputs, targets).getFloat();
            double w0 = (lse(0, 2, 0) - 2 + lse(0, 0, 1) - 1) / 2;
            double w1 = (lse(1, 0, 0, 0) - 1 + lse(1, 0, 0, 0) - 1) / 2;
            assertEquals((w0 + w1) / 2, loss, 1e-4);
            float[][] activated = {Arrays.copyOf(out, 8), Arrays.copyOfRange(out, 8, 16)};
            Targets.Spans spans = QuestionAnswerer.encode(task.encoder(tokenizer), List.of(question("q", true)));
            assertEquals(2, task.outputWidth());
            assertEquals(List.of("start", "end"), task.outputNames());
            assertThrows(IllegalArgumentException.class, () -> task.answers(activated, spans), "one row per window");
        }
    }

    private static double lse(double... v) {
        double s = 0;
        for (double x : v) {
            s += Math.exp(x);
        }
        return Math.log(s);
    }

    @Test
    void settingsRoundTripThroughTheManifestForm() {
        SpanTask t = new SpanTask(256, 64, 32, 17, 7, true, -1.25);
        SpanTask back = (SpanTask) Tasks.restore(t.kind(), t.outputNames(), Map.copyOf(t.settings()));
        assertEquals(t.settings(), back.settings());
        assertThrows(IllegalArgumentException.class, () -> Tasks.restore(t.kind(), List.of("a", "b"), t.settings()));
        assertThrows(IllegalArgumentException.class, () -> new SpanTask(256, 64, 32, 0, 7, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new QaEncoder(tokenizer, 40, 30, 8));
    }
}
