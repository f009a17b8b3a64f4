package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile inputs to the text data readers (issue 21): rows with extra fields, ambiguous column
 * names, endless and over-long input, UTF-16 files, huge headers. Each is refused with one message
 * that names the file and line and says what to do; valid input next to them reads as before.
 */
class DataFaultsTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
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
    void rowWithMoreFieldsThanHeaderIsRefusedNamingTheLine() throws IOException {
        Path tsv = write("t.tsv", "text\tlabel\nthe team won\tsports\nthe team\twon the match\tsports\nI baked\tfood\n");
        assertContains(fails(tsv, DataOptions.defaults()).getMessage(), "t.tsv", "line 3 has 3 fields",
                "the header has 2: [text, label]", "'won the match'", "tab", "double quotes");
        Path csv = write("c.csv", "text,label\nhello,greet\nhello, world,greet\n");
        assertContains(fails(csv, DataOptions.defaults()).getMessage(), "c.csv", "line 3 has 3 fields",
                "comma", "\"like, this\"", "textColumn");
    }

    @Test
    void quotedDelimitersStillMakeOneField() throws IOException {
        Path csv = write("q.csv", "text,label\n\"hello, world\",greet\nbye,leave\n");
        assertEquals(new TextExample("hello, world", "greet", 2), TextDataReader.read(csv).get(0));
    }

    @Test
    void rowWithMoreFieldsThanTheHeaderIsRefusedEvenWhenColumnsAreChosenByIndex() throws IOException {
        Path csv = write("i.csv", "label,text\na,one\nb,two,extra\n");
        DataOptions byIndex = DataOptions.defaults().withTextColumn("1").withLabelColumn("0");
        assertContains(fails(csv, byIndex).getMessage(), "i.csv", "line 3 has 3 fields", "the header has 2");
    }

    @Test
    void headerlessRowWithMoreFieldsThanTheFirstRowIsRefused() throws IOException {
        Path tsv = write("h.tsv", "one text\ta\ntwo\ttext\tb\n");
        DataOptions byIndex = DataOptions.defaults().withHeader(HeaderMode.ABSENT).withTextColumn("0").withLabelColumn("1");
        assertContains(fails(tsv, byIndex).getMessage(), "h.tsv", "line 2 has 3 fields", "the first row (line 1) has 2");
    }

    @Test
    void headerlessLabelTextTsvWithATabInATextNamesThatLine() throws IOException {
        // The label<TAB>text rule still recognises the file; the row with a tab in its text is named, not misread.
        Path tsv = write("s.tsv", "ham\thi there\nspam\tWIN\tmoney\nham\tok\nham\tsee you\n");
        assertContains(fails(tsv, DataOptions.defaults()).getMessage(), "s.tsv", "line 2 has 3 fields", "'money'");
    }

    @Test
    void ambiguousColumnNameInHeaderIsRefusedNamingBothColumns() throws IOException {
        Path csv = write("d.csv", "text,label,Text\nfirst,a,second\nthird,b,fourth\n");
        assertContains(fails(csv, DataOptions.defaults()).getMessage(), "d.csv", "'text' is ambiguous",
                "0 ('text')", "2 ('Text')", "textColumn 0");
        Path labels = write("l.csv", "text,label,label\nfirst,a,b\n");
        assertContains(fails(labels, DataOptions.defaults().withLabelColumn("LABEL")).getMessage(),
                "label column 'LABEL' is ambiguous", "1 ('label')", "2 ('label')");
        TextDataset byIndex = TextDataReader.read(csv, DataOptions.defaults().withTextColumn("2"));
        assertEquals(new TextExample("second", "a", 2), byIndex.get(0));
    }

    @Test
    void duplicateNamesOfColumnsThatAreNotChosenAreHarmless() throws IOException {
        Path csv = write("n.csv", "note,text,note,label\nx,hello,y,greet\n");
        assertEquals(new TextExample("hello", "greet", 2), TextDataReader.read(csv).get(0));
    }

    @Test
    void jsonLinesObjectWithTheChosenFieldTwiceIsRefused() throws IOException {
        Path sameKey = write("k.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\", \"text\": \"c\", \"label\": \"y\"}\n");
        assertContains(fails(sameKey, DataOptions.defaults()).getMessage(), "k.jsonl", "line 2", "Duplicate field 'text'");
        Path twoSpellings = write("s.jsonl", "{\"text\": \"a\", \"Text\": \"b\", \"label\": \"x\"}\n");
        assertContains(fails(twoSpellings, DataOptions.defaults()).getMessage(), "s.jsonl", "line 1", "2 times",
                "[text, Text]");
        // Different spellings on different lines are one field, as before.
        Path perLine = write("p.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"Text\": \"b\", \"label\": \"y\"}\n");
        assertEquals("b", TextDataReader.read(perLine).get(1).text());
    }

    @Test
    void utf16FileIsRefusedWithIconvAdvice() throws IOException {
        String text = "text,label\nhello,greet\nbye,leave\n";
        Path withBom = Files.write(dir.resolve("bom.csv"), text.getBytes(StandardCharsets.UTF_16)); // big-endian with BOM
        assertContains(fails(withBom, DataOptions.defaults()).getMessage(), "bom.csv", "UTF-16BE (byte-order mark FE FF)",
                "iconv -f UTF-16 -t UTF-8");
        byte[] le = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] leBom = new byte[le.length + 2];
        leBom[0] = (byte) 0xFF;
        leBom[1] = (byte) 0xFE;
        System.arraycopy(le, 0, leBom, 2, le.length);
        Path windows = Files.write(dir.resolve("win.csv"), leBom);
        DataException e = fails(windows, DataOptions.defaults());
        assertContains(e.getMessage(), "win.csv", "UTF-16LE", "iconv -f UTF-16 -t UTF-8");
        assertFalse(e.getMessage().contains("WINDOWS-1252"), e.getMessage());
        Path noBom = Files.write(dir.resolve("nobom.csv"), le);
        assertContains(fails(noBom, DataOptions.defaults()).getMessage(), "nobom.csv", "UTF-16LE (no byte-order mark",
                "iconv -f UTF-16LE -t UTF-8");
        Path utf32 = Files.write(dir.resolve("u32.csv"), concat(new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF}, text.getBytes(Charset.forName("UTF-32BE"))));
        assertContains(fails(utf32, DataOptions.defaults()).getMessage(), "UTF-32BE", "iconv -f UTF-32 -t UTF-8");
    }

    @Test
    void windows1252FileStillGetsWindows1252Advice() throws IOException {
        Path latin = Files.write(dir.resolve("l.csv"), "text,label\ncaf\u00e9,a\n".getBytes(StandardCharsets.ISO_8859_1));
        assertContains(fails(latin, DataOptions.defaults()).getMessage(), "l.csv", "line 2", "WINDOWS-1252");
    }

    @Test
    void hugeHeaderLineGivesAShortMessage() throws IOException {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            header.append(i > 0 ? "," : "").append("column").append(i);
        }
        Path csv = write("wide.csv", header + "\nhello,world\n");
        String noHeader = fails(csv, DataOptions.defaults()).getMessage();
        assertTrue(noHeader.length() < 1000, () -> noHeader.length() + " characters: " + noHeader);
        assertContains(noHeader, "wide.csv", "has no header row", "…");
        String unknown = fails(csv, DataOptions.defaults().withHeader(HeaderMode.PRESENT).withTextColumn("body")).getMessage();
        assertTrue(unknown.length() < 1000, () -> unknown.length() + " characters");
        assertContains(unknown, "'body' not found", "column0, column1", "more]");
    }

    @Test
    void lineLongerThanTheLimitIsRefusedNamingTheLine() throws IOException {
        Path csv = write("long.csv", "text,label\nshort,a\n" + "x".repeat(5000) + ",b\nafter,a\n");
        DataException e = fails(csv, DataOptions.defaults().withMaxLineBytes(1000));
        assertContains(e.getMessage(), "long.csv", "line 3 is longer than the limit of 1000 bytes", "maxLineBytes");
        assertEquals(3, TextDataReader.read(csv, DataOptions.defaults().withMaxLineBytes(5002)).size());
    }

    @Test
    void quotedRecordSpanningLinesLongerThanTheLimitIsRefused() throws IOException {
        String body = ("line of a long quoted text\n").repeat(100);
        Path csv = write("q.csv", "text,label\n\"" + body + "\",a\nnext,b\n");
        assertContains(fails(csv, DataOptions.defaults().withMaxLineBytes(1000)).getMessage(), "q.csv",
                "record starting at line 2 is longer than the limit of 1000 bytes", "runs on to line 102");
        assertEquals(2, TextDataReader.read(csv, DataOptions.defaults().withMaxLineBytes(4000)).size());
    }

    @Test
    void endlessInputWithoutLineBreaksFailsInsteadOfFillingMemory() {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.isReadable(zero), "needs /dev/zero");
        DataException e = fails(zero, DataOptions.defaults().withFormat(DataFormat.CSV));
        assertContains(e.getMessage(), "/dev/zero: line 1 is longer than the limit of 8 MiB", "NUL bytes");
    }

    @Test
    void closedStandardInputIsRecognisedFromItsDescriptor() throws IOException {
        Path proc = Files.createDirectories(dir.resolve("proc/fd"));
        Path javaHome = Files.createDirectories(dir.resolve("jdk"));
        Path modules = Files.writeString(javaHome.resolve("modules"), "runtime image");
        Path fd0 = Files.createSymbolicLink(proc.resolve("0"), modules.toRealPath());
        assertContains(StandardInput.closedReason(fd0, javaHome).orElseThrow(), "the Java runtime's own file", "modules");
        Path pipe = Files.createSymbolicLink(proc.resolve("1"), Path.of("/some/pipe"));
        assertTrue(StandardInput.closedReason(pipe, javaHome).isEmpty());
        assertEquals("there is no file descriptor 0", StandardInput.closedReason(proc.resolve("2"), javaHome).orElseThrow());
        assertTrue(StandardInput.closedReason(dir.resolve("no/proc/0"), javaHome).isEmpty(), "no /proc: cannot tell");
        assertTrue(StandardInput.isAlias(Path.of("/dev/stdin")) && StandardInput.isAlias(Path.of("/proc/self/fd/0")));
        assertFalse(StandardInput.isAlias(Path.of("stdin")));
    }

    @Test
    void validFilesReadAsBeforeWithTheBoundedReader() throws IOException {
        Path mixed = write("m.csv", "text,label\r\n\"multi\r\nline, text\",a\r\n\r\nplain,b\rlast,a");
        TextDataset ds = TextDataReader.read(mixed);
        assertEquals(List.of(new TextExample("multi\r\nline, text", "a", 2), new TextExample("plain", "b", 5),
                new TextExample("last", "a", 6)), ds.examples());
        assertEquals(64, ds.source().fileSha256().length());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
