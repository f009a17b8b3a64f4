package dev.graft.data.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tags, schemes, conversion between them and repair of inconsistent sequences. */
class TagSchemeTest {

    private static List<Tag> tags(String spaced) {
        return Tag.parseAll(Arrays.asList(spaced.split(" ")));
    }

    private static String text(List<Tag> tags) {
        return String.join(" ", tags.stream().map(Tag::toString).toList());
    }

    @Test
    void tagsAreOOrAPrefixAndAType() {
        assertEquals(new Tag(Tag.Prefix.B, "PER"), Tag.parse("B-PER"));
        assertEquals("PER-X", Tag.parse("I-PER-X").type(), "the type is everything after the first dash, as seqeval");
        assertEquals(Tag.OUTSIDE, Tag.parse("O"));
        for (String bad : List.of("NNP", "B", "B-", "X-PER", "o", "B_PER", "", "B-P ER", "I-  ")) {
            assertNull(Tag.tryParse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Tag.parse("NNP"));
    }

    @Test
    void detectsTheScheme() {
        assertEquals(TagScheme.IOB2, TagScheme.detect(List.of(tags("B-PER I-PER O B-LOC"))));
        assertEquals(TagScheme.IOB1, TagScheme.detect(List.of(tags("I-PER I-PER B-PER O I-LOC"))));
        assertEquals(TagScheme.BIOES, TagScheme.detect(List.of(tags("B-PER E-PER O S-LOC"))));
        // an I- start among B- starts after O is IOB2 with an error, not IOB1
        assertEquals(TagScheme.IOB2, TagScheme.detect(List.of(tags("O I-PER O B-LOC"))));
        assertEquals(TagScheme.IOB2, TagScheme.detect(List.of(tags("O O"))));
    }

    @Test
    void convertsBetweenSchemes() {
        List<Tag> iob2 = tags("B-PER I-PER B-PER O B-LOC O B-ORG I-ORG I-ORG");
        assertEquals("I-PER I-PER B-PER O I-LOC O I-ORG I-ORG I-ORG", text(TagScheme.IOB1.convert(iob2)));
        assertEquals("B-PER E-PER S-PER O S-LOC O B-ORG I-ORG E-ORG", text(TagScheme.BIOES.convert(iob2)));
        for (TagScheme from : TagScheme.values()) {
            List<Tag> written = from.convert(iob2);
            assertEquals(iob2, TagScheme.IOB2.convert(written), "IOB2 -> " + from + " -> IOB2");
            assertEquals(Chunks.lenient(iob2), Chunks.lenient(written), "the entities survive " + from);
        }
    }

    @Test
    void randomWellFormedSequencesSurviveEveryRoundTrip() {
        Random rnd = new Random(16);
        for (int n = 0; n < 500; n++) {
            int length = 1 + rnd.nextInt(12);
            List<EntitySpan> spans = new ArrayList<>();
            int i = rnd.nextInt(3);
            while (i < length) {
                int last = Math.min(length - 1, i + rnd.nextInt(3));
                spans.add(new EntitySpan(List.of("PER", "LOC").get(rnd.nextInt(2)), i, last));
                i = last + 1 + rnd.nextInt(2);
            }
            for (TagScheme s : TagScheme.values()) {
                List<Tag> written = s.encode(spans, length);
                assertEquals(spans, Chunks.lenient(written), s + " " + written);
                assertEquals(written, s.convert(written), "a well-formed " + s + " sequence needs no repair");
                if (s != TagScheme.IOB1) {
                    assertEquals(spans, Chunks.strict(written, s), "strict " + s);
                }
            }
        }
    }

    @Test
    void repairsAsSeqevalReadsAndSaysWhere() {
        List<TaggedSentence> sentences = List.of(
                new TaggedSentence(List.of("a", "b", "c", "d"), tags("O I-PER I-PER O"), new int[] {3, 4, 5, 6}),
                new TaggedSentence(List.of("e", "f"), tags("B-PER I-PER"), new int[] {8, 9}),
                new TaggedSentence(List.of("g", "h", "i"), tags("B-PER I-LOC I-LOC"), new int[] {11, 12, 13}));
        TagRepair.Result r = TagRepair.repair(sentences, TagScheme.IOB2);
        assertEquals(2, r.changes().size());
        assertEquals(2, r.sentencesChanged());
        assertEquals(new TagRepair.Change(0, 1, 4, Tag.parse("I-PER"), Tag.parse("B-PER")), r.changes().get(0));
        assertEquals(new TagRepair.Change(2, 1, 12, Tag.parse("I-LOC"), Tag.parse("B-LOC")), r.changes().get(1));
        assertEquals("B-PER B-LOC I-LOC", text(r.sentences().get(2).tags()));
        assertTrue(r.summary().contains("line 4: I-PER -> B-PER"), r.summary());
        assertEquals(sentences.get(1), r.sentences().get(1), "a consistent sentence is kept as it is");
        for (int s = 0; s < sentences.size(); s++) {
            assertEquals(sentences.get(s).entities(), r.sentences().get(s).entities(), "repair keeps the entities");
        }
    }

    @Test
    void strictReadingDropsMalformedEntities() {
        assertEquals(List.of(new EntitySpan("LOC", 3, 3)), Chunks.strict(tags("O I-PER I-PER B-LOC"), TagScheme.IOB2));
        assertEquals(List.of(new EntitySpan("PER", 1, 2)), Chunks.strict(tags("O B-PER I-PER I-LOC"), TagScheme.IOB2));
        assertEquals(List.of(new EntitySpan("LOC", 3, 3)),
                Chunks.strict(tags("B-PER I-PER O S-LOC B-ORG"), TagScheme.BIOES), "B-PER I-PER without E-PER");
        assertThrows(IllegalArgumentException.class, () -> Chunks.strict(tags("S-PER"), TagScheme.IOB2));
        assertThrows(IllegalArgumentException.class, () -> Chunks.strict(tags("I-PER"), TagScheme.IOB1));
    }

    @Test
    void encodingRefusesOverlappingEntities() {
        assertThrows(IllegalArgumentException.class, () -> TagScheme.IOB2.encode(
                List.of(new EntitySpan("PER", 0, 1), new EntitySpan("LOC", 1, 2)), 3));
        assertThrows(IllegalArgumentException.class, () -> TagScheme.IOB2.encode(List.of(new EntitySpan("PER", 0, 3)), 3));
    }
}
