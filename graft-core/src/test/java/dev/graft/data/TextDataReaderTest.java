package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextDataReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path writeBytes(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static DataException fails(Path file) {
        return fails(file, DataOptions.defaults());
    }

    private static DataException fails(Path file, DataOptions options) {
        return assertThrows(DataException.class, () -> TextDataReader.read(file, options));
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void csvWithHeader() throws IOException {
        Path f = write("d.csv", "id,Text,Label\n1,hello world,greet\n2,\"bye, then\",leave\n");
        TextDataset ds = TextDataReader.read(f);
        assertEquals(List.of(new TextExample("hello world", "greet", 2), new TextExample("bye, then", "leave", 3)),
                ds.examples());
        assertEquals(DataFormat.CSV, ds.source().format());
        assertEquals(List.of("id", "Text", "Label"), ds.source().columns());
        assertEquals("Text", ds.source().textColumn());
        assertEquals(64, ds.source().fileSha256().length());
        assertEquals(64, ds.sha256().length());
    }

    @Test
    void knownHeaderNamesAndExplicitColumns() throws IOException {
        Path f = write("d.csv", "review,sentiment,notes\ngreat film,pos,x\nawful,neg,y\n");
        assertEquals("great film", TextDataReader.read(f).get(0).text());
        TextDataset byName = TextDataReader.read(f, DataOptions.defaults().withTextColumn("NOTES"));
        assertEquals("x", byName.get(0).text());
        TextDataset byIndex = TextDataReader.read(f, DataOptions.defaults().withTextColumn("2").withLabelColumn("0"));
        assertEquals(new TextExample("x", "great film", 2), byIndex.get(0));
    }

    @Test
    void tsvWithoutHeaderTwoColumnsLabelFirst() throws IOException {
        Path f = write("d.tsv", "ham\thi there\nspam\tWIN money now\nham\tsee you\nham\tok\n");
        TextDataset ds = TextDataReader.read(f);
        assertEquals(new TextExample("WIN money now", "spam", 2), ds.get(1));
        assertEquals(List.of("column 0", "column 1"), ds.source().columns());
    }

    @Test
    void noHeaderWithManyDistinctFirstColumnNeedsIndices() throws IOException {
        Path f = write("d.tsv", "a\tx\nb\ty\nc\tz\nd\tw\n");
        DataException e = fails(f);
        assertContains(e.getMessage(), f.toString(), "no header", "textColumn", "labelColumn", "0-based");
        TextDataset ds = TextDataReader.read(f, DataOptions.defaults().withTextColumn("0").withLabelColumn("1"));
        assertEquals(new TextExample("a", "x", 1), ds.get(0));
    }

    @Test
    void noHeaderCsvNeedsIndices() throws IOException {
        Path f = write("d.csv", "pos,good\nneg,bad\npos,fine\nneg,meh\n");
        assertContains(fails(f).getMessage(), "no header", "textColumn");
    }

    @Test
    void headerModeAbsentTreatsFirstRowAsData() throws IOException {
        Path f = write("d.csv", "text,label\nb,c\n");
        TextDataset ds = TextDataReader.read(f, DataOptions.defaults().withHeader(HeaderMode.ABSENT)
                .withTextColumn("0").withLabelColumn("1"));
        assertEquals(2, ds.size());
    }

    @Test
    void jsonLines() throws IOException {
        Path f = write("d.jsonl", "{\"text\": \"héllo\", \"label\": \"a\"}\n\n{\"Text\": \"two\", \"label\": 1, \"x\": [1]}\n"
                + "{\"text\": \"three\", \"label\": [\"b\"]}\n");
        TextDataset ds = TextDataReader.read(f);
        assertEquals(List.of(new TextExample("héllo", "a", 1), new TextExample("two", "1", 3),
                new TextExample("three", "b", 4)), ds.examples());
        assertEquals(DataFormat.JSONL, ds.source().format());
    }

    @Test
    void jsonLinesErrors() throws IOException {
        Path bad = write("bad.ndjson", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": oops}\n");
        assertContains(fails(bad).getMessage(), "bad.ndjson", "line 2", "not valid JSON");
        Path noField = write("nf.jsonl", "{\"body\": \"a\", \"tag\": \"x\"}\n");
        assertContains(fails(noField).getMessage(), "no label field", "[body, tag]", "labelColumn");
        assertContains(fails(noField, DataOptions.defaults().withLabelColumn("1")).getMessage(), "by name");
    }

    @Test
    void explicitFormatOverridesExtension() throws IOException {
        Path f = write("data.dat", "text\tlabel\na,b\tc\n");
        assertEquals(new TextExample("a,b", "c", 2),
                TextDataReader.read(f, DataOptions.defaults().withFormat(DataFormat.TSV)).get(0));
        Path csvAsTxt = write("data.txt", "text,label\na,b\n");
        assertEquals("a", TextDataReader.read(csvAsTxt, DataOptions.defaults().withFormat(DataFormat.parse("CSV")))
                .get(0).text());
        assertEquals(DataFormat.TSV, DataFormat.fromExtension(Path.of("x.TAB")).orElseThrow());
        assertThrows(DataException.class, () -> DataFormat.parse("xml"));
    }

    @Test
    void quotedMultiLineCsvField() throws IOException {
        Path f = write("m.csv", "text,label\r\n\"line one,\r\nline \"\"two\"\"\",a\r\nnext,b\r\n");
        TextDataset ds = TextDataReader.read(f);
        assertEquals(new TextExample("line one,\r\nline \"two\"", "a", 2), ds.get(0));
        assertEquals(new TextExample("next", "b", 4), ds.get(1));
    }

    @Test
    void quotedMultiLineTsvFieldWithTab() throws IOException {
        Path f = write("m.tsv", "sentence\tlabel\n\"Title\n\tbody text\"\t1\n\"x\"\t0\n");
        TextDataset ds = TextDataReader.read(f);
        assertEquals(new TextExample("Title\n\tbody text", "1", 2), ds.get(0));
        assertEquals(new TextExample("x", "0", 4), ds.get(1));
    }

    @Test
    void fieldThatOnlyStartsWithAQuoteIsKeptVerbatim() throws IOException {
        Path f = write("q.tsv", "label\ttext\nham\t\"Hi\" she said\nham\t\"never closed\nspam\tnext \"quoted\" word\n"
                + "spam\tlast\n");
        TextDataset ds = TextDataReader.read(f);
        assertEquals(List.of("\"Hi\" she said", "\"never closed", "next \"quoted\" word", "last"),
                ds.examples().stream().map(TextExample::text).toList());
        assertEquals(List.of(2, 3, 4, 5), ds.examples().stream().map(TextExample::line).toList());
    }

    @Test
    void brokenQuoteThatCannotBeRecoveredNamesTheLine() throws IOException {
        Path f = write("b.csv", "text,label\nok,a\n\"unclosed, with comma,b\nmore text, here,b\n");
        assertContains(fails(f).getMessage(), "b.csv", "line 3", "double quote");
    }

    @Test
    void invalidUtf8NamesTheLine() throws IOException {
        byte[] head = "text,label\nfine,a\nalso fine,b\ncaf".getBytes(StandardCharsets.UTF_8);
        byte[] tail = ",a\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        all[head.length] = (byte) 0xE9; // 'é' in Latin-1
        System.arraycopy(tail, 0, all, head.length + 1, tail.length);
        Path f = writeBytes("latin1.csv", all);
        assertContains(fails(f).getMessage(), "latin1.csv", "line 4", "UTF-8", "Re-save");
    }

    @Test
    void bomIsStripped() throws IOException {
        byte[] body = "text,label\nhi,a\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[body.length + 3];
        all[0] = (byte) 0xEF;
        all[1] = (byte) 0xBB;
        all[2] = (byte) 0xBF;
        System.arraycopy(body, 0, all, 3, body.length);
        TextDataset ds = TextDataReader.read(writeBytes("bom.csv", all));
        assertEquals("text", ds.source().columns().get(0));
        assertEquals(new TextExample("hi", "a", 2), ds.get(0));
    }

    @Test
    void emptyHeaderOnlyAndMissingFiles() throws IOException {
        Path empty = write("empty.csv", "");
        assertContains(fails(empty).getMessage(), "empty.csv", "is empty");
        Path blank = write("blank.csv", "\n\n  \n");
        assertContains(fails(blank).getMessage(), "blank.csv", "is empty");
        Path headerOnly = write("h.csv", "text,label\n");
        assertContains(fails(headerOnly).getMessage(), "h.csv", "no data rows");
        Path missing = dir.resolve("nope.csv");
        assertContains(fails(missing).getMessage(), "nope.csv", "not found");
        assertContains(fails(dir).getMessage(), "directory");
    }

    @Test
    void unknownColumnListsAvailableColumns() throws IOException {
        Path f = write("c.csv", "message,category\nhi,a\n");
        DataException e = fails(f, DataOptions.defaults().withTextColumn("comment"));
        assertContains(e.getMessage(), "c.csv", "'comment'", "[message, category]", "textColumn");
        Path noText = write("n.csv", "foo,label\nhi,a\n");
        assertContains(fails(noText).getMessage(), "no text column", "[foo, label]", "textColumn");
        assertContains(fails(f, DataOptions.defaults().withLabelColumn("7")).getMessage(), "index 7");
    }

    @Test
    void blankTextRowsFailWithLinesOrAreSkipped() throws IOException {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 8; i++) {
            sb.append(i % 2 == 0 ? "  ," : "t" + i + ",").append("a\n");
        }
        sb.append("x,\n");
        Path f = write("e.csv", sb.toString());
        DataException e = fails(f);
        assertContains(e.getMessage(), "e.csv", "4 rows have empty text", "lines 2, 4, 6, 8", "skipEmptyText");
        DataException label = fails(f, DataOptions.defaults().withSkipEmptyText(true));
        assertContains(label.getMessage(), "1 row has an empty label", "line 10", "skipEmptyLabel");
        TextDataset ds = TextDataReader.read(f, DataOptions.defaults().withSkipEmptyText(true).withSkipEmptyLabel(true));
        assertEquals(4, ds.size());
        assertEquals(5, ds.source().skippedRows());
        assertEquals(3, ds.get(0).line());
    }

    @Test
    void shortRowNamesTheLine() throws IOException {
        Path f = write("s.csv", "label,text\na,hello\nb\n");
        assertContains(fails(f).getMessage(), "s.csv", "line 3", "1 column");
    }

    @Test
    void lineNumbersCountCrLfAndSkippedEmptyLines() throws IOException {
        Path f = write("l.csv", "text,label\r\n\r\na,x\r\n\r\n\r\nb,y\r\n");
        TextDataset ds = TextDataReader.read(f);
        assertEquals(List.of(3, 6), ds.examples().stream().map(TextExample::line).toList());
    }

    @Test
    void contentHashDependsOnExamplesNotFile() throws IOException {
        Path a = write("a.csv", "text,label\nhi,x\n");
        Path b = write("b.tsv", "label\ttext\nx\thi\n");
        TextDataset da = TextDataReader.read(a);
        TextDataset db = TextDataReader.read(b);
        assertEquals(da.sha256(), db.sha256());
        assertTrue(!da.source().fileSha256().equals(db.source().fileSha256()));
    }
}
