package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DataRows}: every column of a CSV, TSV or JSON Lines file, rows named by line when they cannot be read. */
class DataRowsTest {

    @TempDir
    Path dir;

    @Test
    void csvRowsKeepEveryColumnAndTheirLines() throws Exception {
        Path f = Files.writeString(dir.resolve("a.csv"), "id,text,note\n1,\"two\nlines, one field\",x\n2,short\n");
        DataRows rows = DataRows.read(f, null, 1 << 20);
        assertEquals(List.of("id", "text", "note"), rows.columns());
        assertEquals(2, rows.rows().size());
        assertEquals("two\nlines, one field", rows.rows().get(0).fields().get("text"));
        assertEquals(4, rows.rows().get(1).line(), "the second row starts on line 4");
        assertNull(rows.rows().get(1).fields().get("note"), "a short row lacks the last field");
    }

    @Test
    void jsonLinesKeepTheirObjectsAndTextOfOtherValues() throws Exception {
        Path f = Files.writeString(dir.resolve("a.jsonl"), "{\"id\": 7, \"text\": \"hi\", \"tags\": [\"a\"]}\n\n{\"text\": null, \"x\": true}\n");
        DataRows rows = DataRows.read(f, null, 1 << 20);
        assertEquals(List.of("id", "text", "tags", "x"), rows.columns());
        assertEquals("7", rows.rows().get(0).fields().get("id"));
        assertEquals("[\"a\"]", rows.rows().get(0).fields().get("tags"));
        assertTrue(rows.rows().get(0).json().get("id").isInt());
        assertEquals(3, rows.rows().get(1).line());
        assertNull(rows.rows().get(1).fields().get("text"), "null counts as missing");
    }

    @Test
    void badFilesAreRefusedNamingFileAndLine() throws Exception {
        Path extra = Files.writeString(dir.resolve("extra.tsv"), "id\ttext\n1\tfine\n2\ta\ttab\n");
        DataException e = assertThrows(DataException.class, () -> DataRows.read(extra, null, 1 << 20));
        assertTrue(e.getMessage().contains("extra.tsv: line 3 has 3 fields but the header has 2"), e.getMessage());
        Path twice = Files.writeString(dir.resolve("twice.csv"), "text,text\na,b\n");
        e = assertThrows(DataException.class, () -> DataRows.read(twice, null, 1 << 20));
        assertTrue(e.getMessage().contains("names column 'text' twice"), e.getMessage());
        Path json = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\": \"ok\"}\n{\"text\": \n");
        e = assertThrows(DataException.class, () -> DataRows.read(json, null, 1 << 20));
        assertTrue(e.getMessage().contains("bad.jsonl: line 2 is not valid JSON"), e.getMessage());
        Path noExtension = Files.writeString(dir.resolve("data.parquet"), "x");
        e = assertThrows(DataException.class, () -> DataRows.read(noExtension, null, 1 << 20));
        assertTrue(e.getMessage().contains(".csv, .tsv or .jsonl"), e.getMessage());
    }
}
