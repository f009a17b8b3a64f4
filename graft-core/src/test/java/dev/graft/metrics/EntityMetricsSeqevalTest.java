package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.tokens.Chunks;
import dev.graft.data.tokens.EntitySpan;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagScheme;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link EntityMetrics} and {@link Chunks} against seqeval itself: {@code seqeval_reference.json} holds hand-made
 * corner cases and 180 random tag sequences with seqeval's entities and scores, written by
 * {@code seqeval_reference.py} beside it (seqeval 1.2.2, Python 3.11.7; its {@code produced_by} field says so).
 */
class EntityMetricsSeqevalTest {

    private static JsonNode reference() throws IOException {
        try (InputStream in = EntityMetricsSeqevalTest.class.getResourceAsStream("seqeval_reference.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static List<List<Tag>> tags(JsonNode sentences) {
        List<List<Tag>> out = new ArrayList<>();
        for (JsonNode s : sentences) {
            List<Tag> tags = new ArrayList<>();
            s.forEach(t -> tags.add(Tag.parse(t.asText())));
            out.add(tags);
        }
        return out;
    }

    @Test
    void entitiesAreSeqevalsDefaultReading() throws IOException {
        JsonNode ref = reference();
        assertTrue(ref.get("produced_by").asText().contains("seqeval 1.2.2"));
        int checked = 0;
        for (JsonNode c : ref.get("cases")) {
            for (String side : List.of("gold", "pred")) {
                List<List<Tag>> sentences = tags(c.get(side));
                JsonNode expected = c.get("entities_" + side);
                for (int s = 0; s < sentences.size(); s++) {
                    List<EntitySpan> expectedSpans = new ArrayList<>();
                    expected.get(s).forEach(e -> expectedSpans.add(new EntitySpan(e.get(0).asText(), e.get(1).asInt(),
                            e.get(2).asInt())));
                    assertEquals(expectedSpans, Chunks.lenient(sentences.get(s)), c.get("name").asText() + " " + side + " " + s);
                    checked++;
                }
            }
        }
        assertTrue(checked > 1000, "sentences checked: " + checked);
    }

    @Test
    void scoresEqualSeqevalsInDefaultAndStrictMode() throws IOException {
        int strictCases = 0;
        for (JsonNode c : reference().get("cases")) {
            String name = c.get("name").asText();
            List<List<Tag>> gold = tags(c.get("gold"));
            List<List<Tag>> pred = tags(c.get("pred"));
            EntityMetrics.Scores scores = EntityMetrics.score(gold, pred);
            assertEquals(c.get("accuracy").asDouble(), scores.tokenAccuracy(), 0.0, name);
            assertSame(name + " default", c.get("default"), scores);
            if (c.has("strict")) {
                TagScheme scheme = TagScheme.valueOf(c.get("strict_scheme").asText());
                assertSame(name + " strict", c.get("strict"), EntityMetrics.strict(gold, pred, scheme));
                strictCases++;
            }
        }
        assertEquals(122, strictCases);
    }

    private static void assertSame(String what, JsonNode expected, EntityMetrics.Scores actual) {
        JsonNode micro = expected.get("micro");
        assertEquals(micro.get(0).asDouble(), actual.precision(), 0.0, what + " precision");
        assertEquals(micro.get(1).asDouble(), actual.recall(), 0.0, what + " recall");
        assertEquals(micro.get(2).asDouble(), actual.f1(), 0.0, what + " f1");
        assertEquals(expected.get("f1").size(), actual.perType().size(), what + " types");
        for (int t = 0; t < actual.perType().size(); t++) {
            EntityMetrics.TypeScores ts = actual.perType().get(t);
            assertEquals(expected.get("per_type_support").get(t).asInt(), ts.gold(), what + " support of " + ts.type());
            assertEquals(expected.get("precision").get(t).asDouble(), ts.precision(), 0.0, what + " P " + ts.type());
            assertEquals(expected.get("recall").get(t).asDouble(), ts.recall(), 0.0, what + " R " + ts.type());
            assertEquals(expected.get("f1").get(t).asDouble(), ts.f1(), 0.0, what + " F1 " + ts.type());
        }
    }
}
