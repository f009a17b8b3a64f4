package dev.graft.data.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.data.DataException;
import dev.graft.util.Hashes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CoNLL columns and tagged JSON Lines, their errors, and the real CoNLL-2003 files when present. */
class TaggedCorpusReaderTest {

    private static final Path CONLL = Path.of("../../shared/data/text/conll2003");

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void readsConllColumnsSkippingDocstart() throws IOException {
        Path f = write("a.txt", "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\t\n"
                + "Peter NNP B-NP B-PER\r\nBlackburn NNP I-NP I-PER\n\n\n-DOCSTART- -X- O\n\nBRUSSELS\tB-LOC");
        TaggedCorpus c = TaggedCorpusReader.read(f);
        assertEquals(TaggedCorpus.Format.CONLL, c.format());
        assertEquals(3, c.sentences().size());
        assertEquals(2, c.documentStarts());
        assertEquals(List.of("EU", "rejects"), c.sentences().get(0).tokens());
        assertEquals(List.of(Tag.parse("B-PER"), Tag.parse("I-PER")), c.sentences().get(1).tags());
        assertEquals(7, c.sentences().get(1).line(1));
        assertEquals(12, c.sentences().get(2).line(0));
        assertEquals(5, c.tokenCount());
        assertEquals(Map.of("ORG", 1, "PER", 1, "LOC", 1), c.entityCounts());
        assertEquals(Hashes.sha256(f), c.sha256());
    }

    @Test
    void readsTaggedJsonLines() throws IOException {
        Path f = write("a.jsonl", "{\"tokens\": [\"EU\", \"rejects\"], \"tags\": [\"B-ORG\", \"O\"]}\n\n"
                + "{\"words\": [], \"ner_tags\": []}\n{\"tokens\": [\"Peter\"], \"tags\": [\"S-PER\"]}\n");
        TaggedCorpus c = TaggedCorpusReader.read(f);
        assertEquals(TaggedCorpus.Format.JSONL, c.format());
        assertEquals(2, c.sentences().size());
        assertEquals(1, c.emptySentences());
        assertEquals(4, c.sentences().get(1).line(0));
        assertEquals(TagScheme.BIOES, c.scheme());
    }

    @Test
    void badInputNamesTheFileAndLine() throws IOException {
        assertMessage(write("one.txt", "EU B-ORG\nrejects\n"), "one.txt: line 2 has one column ('rejects')");
        assertMessage(write("pos.txt", "EU NNP B-ORG\nrejects VBZ VBZ\n"), "pos.txt: line 2: 'VBZ' in the last column is"
                + " not an entity tag");
        assertMessage(write("len.jsonl", "{\"tokens\": [\"a\"], \"tags\": [\"O\"]}\n{\"tokens\": [\"a\", \"b\"], \"tags\":"
                + " [\"O\"]}\n"), "len.jsonl: line 2 has 2 tokens but 1 tags");
        assertMessage(write("num.jsonl", "{\"tokens\": [\"a\"], \"tags\": [3]}\n"), "tag numbers need their names");
        assertMessage(write("badtag.jsonl", "{\"tokens\": [\"a\"], \"tags\": [\"B-\"]}\n"), "line 1: 'B-' (tag 1)");
        assertMessage(write("empty.txt", "\n\n-DOCSTART- -X- O\n"), "holds no sentences");
        assertMessage(write("broken.jsonl", "{\"tokens\": [\"a\"], \"tags\": [\"O\"\n"), "broken.jsonl: line 1 is not valid JSON");
        Path utf16 = dir.resolve("utf16.txt");
        Files.write(utf16, "EU B-ORG\n".getBytes(StandardCharsets.UTF_16));
        assertThrows(DataException.class, () -> TaggedCorpusReader.read(utf16));
        assertThrows(DataException.class, () -> TaggedCorpusReader.read(dir.resolve("missing.txt")));
    }

    private static void assertMessage(Path f, String part) {
        DataException e = assertThrows(DataException.class, () -> TaggedCorpusReader.read(f));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void realConll2003() {
        assumeTrue(Files.isDirectory(CONLL), "../shared/data/text/conll2003 is absent");
        int[] expectedSentences = {14041, 3250, 3453};
        String[] splits = {"train", "dev", "test"};
        for (int i = 0; i < splits.length; i++) {
            TaggedCorpus c = TaggedCorpusReader.read(CONLL.resolve(splits[i] + ".txt"));
            assertEquals(expectedSentences[i], c.sentences().size(), splits[i]);
            assertEquals(TagScheme.IOB2, c.scheme());
            TagRepair.Result repair = TagRepair.repair(c.sentences(), TagScheme.IOB2);
            System.out.printf("conll2003 %s: %d sentences, %d tokens, %d -DOCSTART-, entities %s, IOB2 repairs %d%n",
                    splits[i], c.sentences().size(), c.tokenCount(), c.documentStarts(), c.entityCounts(),
                    repair.changes().size());
            assertEquals(List.of("LOC", "MISC", "ORG", "PER"), List.copyOf(c.entityCounts().keySet()));
            List<List<Tag>> bioes = c.sentences().stream().map(s -> TagScheme.BIOES.convert(s.tags())).toList();
            assertEquals(c.tags(), bioes.stream().map(TagScheme.IOB2::convert).toList(), "IOB2 -> BIOES -> IOB2");
        }
    }
}
