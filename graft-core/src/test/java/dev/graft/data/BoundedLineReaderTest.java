package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {

    private static List<String> lines(byte[] bytes, int max) {
        BoundedLineReader r = new BoundedLineReader(new ByteArrayInputStream(bytes), "in.txt", max);
        List<String> out = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null) {
            out.add(r.lineNumber() + ":" + line);
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linesEndAtLfCrLfAndLoneCrAndTheBomIsRemoved() {
        assertEquals(List.of("1:héllo", "2:", "3:two", "4:three", "5:last"),
                lines(utf8("\uFEFFhéllo\n\ntwo\r\nthree\rlast"), 100));
        assertEquals(List.of(), lines(new byte[0], 100));
        assertEquals(List.of("1:only"), lines(utf8("only\n"), 100));
    }

    @Test
    void lineOverTheLimitIsRefusedNamingItsNumber() {
        byte[] input = utf8("ok\n" + "y".repeat(11) + "\nnever read\n");
        DataException e = assertThrows(DataException.class, () -> lines(input, 10));
        assertTrue(e.getMessage().startsWith("in.txt: line 2 is longer than the limit of 10 bytes without a line break"),
                e.getMessage());
        assertEquals(List.of("1:ok", "2:" + "y".repeat(10)), lines(utf8("ok\n" + "y".repeat(10)), 10));
    }

    @Test
    void endlessStreamStopsAtTheLimit() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'a';
            }
        };
        BoundedLineReader r = new BoundedLineReader(endless, "standard input", 1 << 20);
        DataException e = assertThrows(DataException.class, r::readLine);
        assertTrue(e.getMessage().contains("standard input: line 1 is longer than the limit of 1 MiB"), e.getMessage());
    }

    @Test
    void invalidUtf8IsNamedWithItsLineAndBytes() {
        byte[] input = "one\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        DataException e = assertThrows(DataException.class, () -> lines(input, 100));
        assertTrue(e.getMessage().contains("in.txt line 2 is not valid UTF-8 (invalid byte(s) E9 at byte 4 of the line)"),
                e.getMessage());
    }

    @Test
    void utf16InputIsRefusedBeforeAnyLine() {
        DataException e = assertThrows(DataException.class, () -> lines("a\nb\n".getBytes(StandardCharsets.UTF_16), 100));
        assertTrue(e.getMessage().contains("UTF-16BE (byte-order mark FE FF)") && e.getMessage().contains("iconv -f UTF-16"),
                e.getMessage());
    }

    @Test
    void readAllKeepsTheBytesUnchanged() {
        byte[] input = utf8("\uFEFFa,b\r\n\"x\ny\",c\rz");
        assertArrayEquals(input, BoundedLineReader.readAll(new ByteArrayInputStream(input), "f", 100));
        assertNull(new BoundedLineReader(new ByteArrayInputStream(new byte[0]), "f", 1).readLine());
    }
}
