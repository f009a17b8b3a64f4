package dev.graft.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.data.tokens.Tag;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The confusion between entity types on hand-made sentences, every cell worked out by hand. */
class EntityConfusionTest {

    private static List<Tag> tags(String line) {
        return Tag.parseAll(Arrays.asList(line.split(" ")));
    }

    @Test
    void eachGoldEntityIsCountedOnceByWhatTheTaggerMadeOfIt() {
        List<List<Tag>> gold = List.of(
                // PER exact, LOC read as ORG (same words), MISC missed entirely
                tags("B-PER I-PER O B-LOC O B-MISC"),
                // ORG with a boundary error (still ORG), PER overlapped by a longer LOC; a spurious PER at the end
                tags("B-ORG I-ORG I-ORG O B-PER O O"),
                // nothing gold, two spurious entities
                tags("O O O"));
        List<List<Tag>> predicted = List.of(
                tags("B-PER I-PER O B-ORG O O"),
                tags("B-ORG I-ORG O O B-LOC I-LOC B-PER"),
                tags("B-LOC O B-LOC"));
        EntityConfusion c = EntityConfusion.of(gold, predicted);
        assertEquals(List.of("LOC", "MISC", "ORG", "PER"), c.types());
        assertEquals(1, c.count("PER", "PER"));
        assertEquals(1, c.count("PER", "LOC"), "the PER overlapped by a LOC");
        assertEquals(1, c.count("LOC", "ORG"));
        assertEquals(1, c.count("MISC", EntityConfusion.MISSED));
        assertEquals(1, c.count("ORG", "ORG"), "a boundary error of the right type stays on the diagonal");
        assertEquals(1, c.count(EntityConfusion.SPURIOUS, "PER"));
        assertEquals(2, c.count(EntityConfusion.SPURIOUS, "LOC"));
        assertArrayEquals(new long[] {0, 0, 0, 1}, c.exact(), "only the first PER matches exactly");
        long gold5 = 0;
        for (int r = 0; r < c.types().size(); r++) {
            for (long v : c.counts()[r]) {
                gold5 += v;
            }
        }
        assertEquals(5, gold5, "every gold entity is counted exactly once");
        assertEquals(EntityMetrics.score(gold, predicted).micro().correct(), Arrays.stream(c.exact()).sum(),
                "the exact matches are the entity metrics' correct entities");
        assertEquals(java.util.Map.of("LOC", 2L, "MISC", 0L, "ORG", 0L, "PER", 1L, EntityConfusion.MISSED, 0L),
                c.toMap().get(EntityConfusion.SPURIOUS));
    }

    @Test
    void theLargestOverlapDecidesAndTheFirstOfEqualsWins() {
        // gold LOC over 4 words: a PER covers 1 of them, an ORG 3
        EntityConfusion c = EntityConfusion.of(List.of(tags("B-LOC I-LOC I-LOC I-LOC")), List.of(tags("B-PER B-ORG I-ORG I-ORG")));
        assertEquals(1, c.count("LOC", "ORG"));
        assertEquals(0, c.count(EntityConfusion.SPURIOUS, "PER"), "a prediction overlapping a gold entity is not spurious");
        EntityConfusion tie = EntityConfusion.of(List.of(tags("B-LOC I-LOC")), List.of(tags("B-PER B-ORG")));
        assertEquals(1, tie.count("LOC", "PER"));
    }

    @Test
    void shapesMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> EntityConfusion.of(List.of(tags("O")), List.of()));
        assertThrows(IllegalArgumentException.class, () -> EntityConfusion.of(List.of(tags("O O")), List.of(tags("O"))));
    }
}
