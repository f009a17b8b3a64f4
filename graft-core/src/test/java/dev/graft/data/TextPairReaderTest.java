package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text pairs (the second text from {@code textPairColumn}) and literal quotes ({@link QuoteMode#NONE}). */
class TextPairReaderTest {

    /** The layout of GLUE's MRPC files: headerless {@code label, id1, id2, sentence1, sentence2}, quotes unbalanced. */
    private static final String MRPC_LIKE = """
            1\t11\t12\tHe called him "the witness", twice.\tReferring to him as only "the witness", he spoke.
            0\t21\t22\t"It got up on his radar screen.\tIt was on his radar.
            1\t31\t32\tShares rose 4%.\tThe shares were up 4 percent.
            0\t41\t42\tThe quote ends here" he said.\tNo quote here.
            """;

    private static final DataOptions MRPC_COLUMNS = DataOptions.defaults().withTextColumn("3").withTextPairColumn("4")
            .withLabelColumn("0");

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void anUnclosedQuoteSuggestsQuoteNone() throws IOException {
        Path f = write("train.txt", MRPC_LIKE);
        DataException e = assertThrows(DataException.class, () -> TextDataReader.read(f, MRPC_COLUMNS));
        assertContains(e.getMessage(), f.toString(), "line 2", "quote NONE", "quote none");
    }

    @Test
    void quoteNoneReadsQuotesAsCharactersAndPairsByIndex() throws IOException {
        Path f = write("train.txt", MRPC_LIKE);
        TextDataset ds = TextDataReader.read(f, MRPC_COLUMNS.withQuote(QuoteMode.NONE));
        assertEquals(4, ds.size());
        assertTrue(ds.hasPairs());
        assertEquals(new TextExample("He called him \"the witness\", twice.", "1", 1,
                "Referring to him as only \"the witness\", he spoke."), ds.get(0));
        assertEquals(new TextExample("\"It got up on his radar screen.", "0", 2, "It was on his radar."), ds.get(1));
        assertEquals("The quote ends here\" he said.", ds.get(3).text());
        assertEquals("column 3", ds.source().textColumn());
        assertEquals("column 4", ds.source().textPairColumn());
        assertEquals("column 0", ds.source().labelColumn());
    }

    @Test
    void quoteNoneSplitsAtEveryDelimiter() throws IOException {
        Path f = write("d.csv", "text,label\n\"a, b\",x\n");
        TextDataset quoted = TextDataReader.read(f);
        assertEquals("a, b", quoted.get(0).text());
        DataException e = assertThrows(DataException.class,
                () -> TextDataReader.read(f, DataOptions.defaults().withQuote(QuoteMode.NONE)));
        assertContains(e.getMessage(), "line 2 has 3 fields");
    }

    @Test
    void pairsByHeaderNameInCsvAndJsonLines() throws IOException {
        Path csv = write("d.csv", "premise,hypothesis,label\nA man sleeps.,Someone rests.,entail\nA cat.,\"A dog, barking.\",contra\n");
        TextDataset ds = TextDataReader.read(csv, DataOptions.defaults().withTextColumn("premise").withTextPairColumn("Hypothesis"));
        assertEquals(List.of(new TextExample("A man sleeps.", "entail", 2, "Someone rests."),
                new TextExample("A cat.", "contra", 3, "A dog, barking.")), ds.examples());
        assertEquals("hypothesis", ds.source().textPairColumn());

        Path jsonl = write("d.jsonl", "{\"s1\": \"A man sleeps.\", \"s2\": \"Someone rests.\", \"label\": 1}\n"
                + "{\"s1\": \"A cat.\", \"s2\": \"A dog.\", \"label\": 0}\n");
        TextDataset js = TextDataReader.read(jsonl, DataOptions.defaults().withTextColumn("s1").withTextPairColumn("s2"));
        assertEquals(TextExample.pair("A cat.", "A dog.", "0"), new TextExample(js.get(1).text(), js.get(1).label(), 0,
                js.get(1).textPair()));
        assertEquals("s2", js.source().textPairColumn());
    }

    @Test
    void singleTextsAreUnchangedAndHashDiffersFromPairs() throws IOException {
        Path f = write("d.tsv", "text\tother\tlabel\nhello\tthere\tx\nbye\tnow\ty\n");
        TextDataset single = TextDataReader.read(f);
        assertFalse(single.hasPairs());
        assertNull(single.get(0).textPair());
        assertNull(single.source().textPairColumn());
        assertEquals(new TextExample("hello", "x", 2), single.get(0));
        TextDataset pairs = TextDataReader.read(f, DataOptions.defaults().withTextPairColumn("other"));
        assertNotEquals(single.sha256(), pairs.sha256());
        // The same texts read as single texts in memory hash as before: the pair adds to the hash only when present.
        assertEquals(single.sha256(), TextDataset.of("m", List.of(TextExample.of("hello", "x"), TextExample.of("bye", "y"))).sha256());
        assertEquals("hello\nthere", pairs.get(0).joinedText());
        assertEquals("hello", single.get(0).joinedText());
    }

    @Test
    void anEmptySecondTextNamesColumnAndLineOrIsSkipped() throws IOException {
        Path f = write("d.csv", "a,b,label\none,two,x\nthree, ,y\nfour,five,x\n");
        DataOptions pairs = DataOptions.defaults().withTextColumn("a").withTextPairColumn("b");
        DataException e = assertThrows(DataException.class, () -> TextDataReader.read(f, pairs));
        assertContains(e.getMessage(), "empty second text", "column 'b'", "line 3", "skipEmptyText");
        TextDataset skipped = TextDataReader.read(f, pairs.withSkipEmptyText(true));
        assertEquals(2, skipped.size());
        assertEquals(1, skipped.source().skippedRows());
    }

    @Test
    void wrongPairColumnsAreRefusedClearly() throws IOException {
        Path f = write("d.csv", "a,b,label\none,two,x\n");
        DataException same = assertThrows(DataException.class, () -> TextDataReader.read(f,
                DataOptions.defaults().withTextColumn("a").withTextPairColumn("0")));
        assertContains(same.getMessage(), "textPairColumn", "already the text column");
        DataException missing = assertThrows(DataException.class, () -> TextDataReader.read(f,
                DataOptions.defaults().withTextColumn("a").withTextPairColumn("c")));
        assertContains(missing.getMessage(), "text pair column 'c' not found", "[a, b, label]", "textPairColumn");

        Path headerless = write("h.tsv", "x\tone\ttwo\ny\tthree\tfour\n");
        DataException byName = assertThrows(DataException.class, () -> TextDataReader.read(headerless,
                DataOptions.defaults().withTextColumn("1").withLabelColumn("0").withTextPairColumn("second")));
        assertContains(byName.getMessage(), "no header row naming column 'second'", "textPairColumn 2");
        DataException outOfRange = assertThrows(DataException.class, () -> TextDataReader.read(headerless,
                DataOptions.defaults().withTextColumn("1").withLabelColumn("0").withTextPairColumn("5")));
        assertContains(outOfRange.getMessage(), "column index 5 does not exist", "textPairColumn");

        Path shortRow = write("s.tsv", "x\tone\ttwo\ny\tthree\n");
        DataException cells = assertThrows(DataException.class, () -> TextDataReader.read(shortRow,
                DataOptions.defaults().withTextColumn("1").withLabelColumn("0").withTextPairColumn("2")));
        assertContains(cells.getMessage(), "line 2 has 2 column(s), but the text pair column is column 2");
    }

    @Test
    void aDataSetHoldsPairsOrSingleTextsNotBoth() {
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> TextDataset.of("m",
                List.of(TextExample.of("a", "x"), TextExample.pair("b", "c", "y"))));
        assertContains(mixed.getMessage(), "mixes single texts and text pairs");
        TextDataset pairs = TextDataset.of("m", List.of(TextExample.pair("b", "c", "y")));
        DataException refused = assertThrows(DataException.class, () -> pairs.requireSingleTexts("few-shot prototypes"));
        assertContains(refused.getMessage(), "holds text pairs", "few-shot prototypes reads single texts", "textPairColumn");
        TextDataset.of("m", List.of(TextExample.of("a", "x"))).requireSingleTexts("anything");
        assertThrows(IllegalArgumentException.class, () -> TextExample.pair("a", " ", "x"));
    }

    @Test
    void quoteModeNames() {
        assertEquals(QuoteMode.NONE, QuoteMode.parse(" None "));
        assertEquals(QuoteMode.DOUBLE, QuoteMode.parse("double"));
        assertContains(assertThrows(DataException.class, () -> QuoteMode.parse("single")).getMessage(), "'single'", "double", "none");
    }

    @Test
    void realMrpcReadsAsPairs() {
        Path train = RealDataFilesTest.sharedText().map(p -> p.resolve("mrpc/train.txt")).filter(Files::isRegularFile).orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(train != null, "../shared/data/text/mrpc not present");
        assertThrows(DataException.class, () -> TextDataReader.read(train, MRPC_COLUMNS));
        TextDataset ds = TextDataReader.read(train, MRPC_COLUMNS.withQuote(QuoteMode.NONE));
        assertEquals(2576, ds.size());
        assertTrue(ds.hasPairs());
        assertEquals(Map.of("0", 823, "1", 1753), LabelMap.classCounts(ds));
        assertTrue(ds.get(0).text().startsWith("Amrozi accused his brother, whom he called \"the witness\""));
        assertTrue(ds.get(0).textPair().startsWith("Referring to him as only \"the witness\""));
    }
}
