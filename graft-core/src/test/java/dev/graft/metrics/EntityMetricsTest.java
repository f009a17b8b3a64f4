package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TagScheme;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entity scores worked out by hand from the formulas (seqeval's own figures: {@link EntityMetricsSeqevalTest}). */
class EntityMetricsTest {

    private static List<Tag> tags(String spaced) {
        return Tag.parseAll(Arrays.asList(spaced.split(" ")));
    }

    @Test
    void conllevalCornerCases() {
        // gold: PER 0..1 (I- starts it), LOC 2 (type change inside the chunk), ORG 5..6 at the sentence end
        List<List<Tag>> gold = List.of(tags("I-PER I-PER I-LOC O O B-ORG I-ORG"));
        // predicted: PER 0..1 right, LOC 2..3 wrong span, ORG 6 wrong span, MISC 4 spurious
        List<List<Tag>> pred = List.of(tags("B-PER I-PER B-LOC I-LOC B-MISC O B-ORG"));
        EntityMetrics.Scores s = EntityMetrics.score(gold, pred);
        assertEquals(1, s.micro().correct());
        assertEquals(4, s.micro().predicted());
        assertEquals(3, s.micro().gold());
        double p = 1.0 / 4;
        double r = 1.0 / 3;
        assertEquals(p, s.precision(), 0.0);
        assertEquals(r, s.recall(), 0.0);
        assertEquals(2 * p * r / (p + r), s.f1(), 0.0);
        assertEquals(List.of("LOC", "MISC", "ORG", "PER"), s.perType().stream().map(EntityMetrics.TypeScores::type).toList());
        assertEquals(0.0, s.perType().get(1).recall(), 0.0, "MISC has no gold entity: recall 0");
        assertEquals(1.0, s.perType().get(3).f1(), 0.0);
        assertEquals((0 + 0 + 0 + 1.0) / 4, s.macroF1(), 0.0);
        assertEquals(1.0 / 7, s.tokenAccuracy(), 0.0, "only the second I-PER is tagged alike");

        // strict IOB2: the gold I-PER I-PER start no entity, the I-LOC none either
        EntityMetrics.Scores strict = EntityMetrics.strict(gold, pred, TagScheme.IOB2);
        assertEquals(1, strict.micro().gold());
        assertEquals(0, strict.micro().correct());
    }

    @Test
    void entitiesDoNotCrossSentences() {
        EntityMetrics.Scores s = EntityMetrics.score(List.of(tags("O B-PER"), tags("I-PER O")),
                List.of(tags("O B-PER"), tags("B-PER O")));
        assertEquals(1.0, s.f1(), 0.0, "B-PER | I-PER is two entities, one per sentence");
        assertThrows(IllegalArgumentException.class, () -> EntityMetrics.score(List.of(tags("O")), List.of(tags("O O"))));
        assertThrows(IllegalArgumentException.class, () -> EntityMetrics.score(List.of(), List.of(tags("O"))));
    }
}
