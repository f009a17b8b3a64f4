package dev.graft.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReplacesByDefault() throws IOException {
        Path p = dir.resolve("a.json");
        AtomicFiles.writeString(p, "{\"v\":1}");
        AtomicFiles.writeString(p, "{\"v\":2} ü");
        assertEquals("{\"v\":2} ü", Files.readString(p));
        assertEquals(List.of("a.json"), files());
    }

    @Test
    void failModeLeavesExistingFileUntouched() throws IOException {
        Path p = dir.resolve("keep.txt");
        AtomicFiles.writeString(p, "old", OnExisting.FAIL);
        assertThrows(FileAlreadyExistsException.class, () -> AtomicFiles.writeString(p, "new", OnExisting.FAIL));
        assertEquals("old", Files.readString(p));
        assertEquals(List.of("keep.txt"), files());
    }

    @Test
    void failingBodyLeavesNoPartialFile() throws IOException {
        Path p = dir.resolve("x.bin");
        IOException boom = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.writeAtomically(p, out -> {
            out.write(new byte[100_000]);
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals(List.of(), files());

        AtomicFiles.writeString(p, "previous");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeAtomically(p, out -> {
            out.write(1);
            throw new IllegalStateException("bug in body");
        }));
        assertEquals("previous", Files.readString(p));
        assertEquals(List.of("x.bin"), files());
    }

    @Test
    void bodyClosingTheStreamIsHarmless() throws IOException {
        Path p = dir.resolve("c.txt");
        AtomicFiles.writeAtomically(p, out -> {
            out.write("hi".getBytes());
            out.close();
        });
        assertEquals("hi", Files.readString(p));
    }

    @Test
    void missingParentDirectoryIsExplained() {
        IOException e = assertThrows(IOException.class,
                () -> AtomicFiles.writeString(dir.resolve("no/such/dir/f.txt"), "x"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }
}
