package dev.graft.data.qa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.tokens.SubwordTokenizer;
import dev.graft.model.text.TextModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Question-first windows over long contexts, answer positions, and the span search over start/end scores. */
class QaEncoderTest {

    private static SubwordTokenizer tokenizer;

    @BeforeAll
    static void open() {
        tokenizer = SubwordTokenizer.open(TextModels.resolve("minilm").tokenizerFile());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** A context of numbered sentences with the answer near the end. */
    private static SquadQuestion longQuestion() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            sb.append("Sentence number ").append(i).append(" says nothing of interest. ");
        }
        int start = sb.length() + "The game was won by the ".length();
        sb.append("The game was won by the Denver Broncos in 2016.");
        return new SquadQuestion("q", "", sb.toString(), "Who won the game?",
                List.of(new SquadAnswer("Denver Broncos", start)), false);
    }

    @Test
    void windowsCoverTheContextAndMarkTheAnswer() {
        SquadQuestion q = longQuestion();
        QaEncoder encoder = new QaEncoder(tokenizer, 64, 16, 16);
        QaEncoder.Encoded e = encoder.encode(7, q);
        assertTrue(e.features().size() > 5, "windows: " + e.features().size());
        boolean[] covered = new boolean[e.contextTokens()];
        int withAnswer = 0;
        long[] question = tokenizer.ids(q.question());
        for (QaFeature f : e.features()) {
            assertEquals(7, f.question());
            assertTrue(f.input().length() <= 64);
            assertArrayEquals(question, Arrays.copyOfRange(f.input().ids(), 1, 1 + question.length), "question first");
            for (int p = 0; p < f.input().length(); p++) {
                int t = f.input().contentTokens()[p];
                if (t >= 0) {
                    covered[t] = true;
                    assertEquals(1, f.input().typeIds()[p]);
                    assertTrue(f.inContext(p));
                } else {
                    assertTrue(!f.inContext(p));
                }
            }
            if (f.startPosition() > 0) {
                withAnswer++;
                assertEquals("Denver Broncos", q.context().substring(f.charStarts()[f.startPosition()],
                        f.charEnds()[f.endPosition()]));
            } else {
                assertEquals(0, f.endPosition());
            }
        }
        for (int t = 0; t < covered.length; t++) {
            assertTrue(covered[t], "context token " + t + " is in a window");
        }
        assertTrue(withAnswer >= 1);
        assertThrows(IllegalArgumentException.class, () -> new QaEncoder(tokenizer, 64, 45, 16),
                "64 - 3 specials - 16 question tokens leaves 45, not more than the stride");
    }

    @Test
    void spanSearchFindsTheBestValidSpanAcrossWindows() {
        SquadQuestion q = longQuestion();
        List<QaFeature> features = new QaEncoder(tokenizer, 64, 16, 16).encode(0, q).features();
        List<float[]> starts = new ArrayList<>();
        List<float[]> ends = new ArrayList<>();
        for (QaFeature f : features) {
            float[] s = new float[f.input().length()];
            float[] e = new float[f.input().length()];
            s[0] = 1f;
            e[0] = 1f;
            s[1] = 50f; // a start inside the question is never valid
            if (f.startPosition() > 0) {
                s[f.startPosition()] = 6f;
                e[f.endPosition()] = 5f;
                e[f.startPosition()] = 4.5f; // a one-token span scores a little less
                s[f.endPosition() + 1] = 20f; // a start after every high end: end before start, invalid
            }
            starts.add(s);
            ends.add(e);
        }
        SpanSearch.Result r = SpanSearch.search(features, starts, ends, 5, 30);
        assertEquals("Denver Broncos", r.best().text(q.context()));
        assertEquals(11.0, r.best().score(), 1e-9);
        assertEquals("Denver", r.candidates().get(1).text(q.context()));
        assertEquals(2.0, r.nullScore(), 1e-9);
        assertEquals("Denver Broncos", r.answer(q.context(), 0.0));
        assertEquals("", r.answer(q.context(), -10.0), "no answer when the null score beats the span by more than the threshold");
        SpanSearch.Result shortOnly = SpanSearch.search(features, starts, ends, 5, 1);
        assertEquals(1, shortOnly.best().endPosition() - shortOnly.best().startPosition() + 1, "maxAnswerTokens 1");
        assertThrows(IllegalArgumentException.class, () -> SpanSearch.search(features, starts, ends.subList(0, 1), 5, 30));
    }

    @Test
    void noValidSpanMeansNoAnswer() {
        SquadQuestion q = new SquadQuestion("q", "", "Short context.", "Why?", List.of(), true);
        List<QaFeature> features = QaEncoder.defaults(tokenizer).encode(0, q).features();
        assertEquals(1, features.size());
        assertEquals(0, features.get(0).startPosition());
        int n = features.get(0).input().length();
        float[] s = new float[n];
        float[] e = new float[n];
        e[2] = 3f;
        s[n - 2] = 3f; // the only start and end considered (nBest 1): the end lies before the start
        s[0] = 1f;
        SpanSearch.Result r = SpanSearch.search(features, List.of(s), List.of(e), 1, 30);
        assertNull(r.best());
        assertEquals(1.0, r.nullScore());
        assertEquals("", r.answer(q.context(), 100.0), "without a valid span the answer is empty whatever the threshold");
        assertEquals("", r.answer(q.context()));
        SpanSearch.Result wider = SpanSearch.search(features, List.of(s), List.of(e), n, 30); // every pair considered
        assertTrue(wider.best() != null && wider.best().endPosition() >= wider.best().startPosition());
    }
}
