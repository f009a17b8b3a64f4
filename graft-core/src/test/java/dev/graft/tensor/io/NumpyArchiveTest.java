package dev.graft.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumpyArchiveTest {

    @TempDir
    Path dir;

    /** The entries of a written archive: name → bytes of the .npy file. */
    private static Map<String, byte[]> entries(Path file) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                assertEquals(ZipEntry.STORED, e.getMethod(), "numpy.savez stores entries uncompressed");
                out.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        return out;
    }

    /** The header dict of an .npy file, after checking magic, version and 64-byte alignment. */
    private static String header(byte[] npy) {
        assertEquals((byte) 0x93, npy[0]);
        assertEquals("NUMPY", new String(npy, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, npy[6]);
        int len = ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        assertEquals(0, (10 + len) % 64, "data starts 64-byte aligned");
        assertEquals('\n', npy[10 + len - 1]);
        return new String(npy, 10, len, StandardCharsets.US_ASCII).trim();
    }

    private static ByteBuffer data(byte[] npy) {
        int len = ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        return ByteBuffer.wrap(npy, 10 + len, npy.length - 10 - len).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void writesMatricesVectorsAndStringsAsNumpyReadsThem() throws IOException {
        Path file = dir.resolve("f.npz");
        new NumpyArchive().floats("train_x", new float[][] {{1.5f, -2f, 3f}, {4f, 5f, 6.25f}}).ints("train_y", new int[] {1, 0})
                .strings("labels", List.of("ham", "späm€")).write(file, OnExisting.FAIL);
        Map<String, byte[]> e = entries(file);
        assertEquals(List.of("train_x.npy", "train_y.npy", "labels.npy"), List.copyOf(e.keySet()));

        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header(e.get("train_x.npy")));
        float[] x = new float[6];
        ByteBuffer xb = data(e.get("train_x.npy"));
        assertEquals(24, xb.remaining());
        xb.asFloatBuffer().get(x);
        assertArrayEquals(new float[] {1.5f, -2f, 3f, 4f, 5f, 6.25f}, x);

        assertEquals("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", header(e.get("train_y.npy")));
        assertEquals(1, data(e.get("train_y.npy")).getInt(0));

        assertEquals("{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }", header(e.get("labels.npy")));
        ByteBuffer s = data(e.get("labels.npy"));
        assertEquals(2 * 5 * 4, s.remaining());
        assertEquals('h', s.getInt(0));
        assertEquals(0, s.getInt(3 * 4), "short strings are padded with NUL code points");
        assertEquals('€', s.getInt((5 + 4) * 4));
    }

    @Test
    void refusesRaggedRowsDuplicateNamesAndExistingFiles() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> new NumpyArchive().floats("x", new float[][] {{1}, {1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> new NumpyArchive().ints("y", new int[0]).ints("y", new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new NumpyArchive().ints("../y", new int[0]));
        Path existing = Files.writeString(dir.resolve("mine.npz"), "not Graft's");
        assertThrows(FileAlreadyExistsException.class, () -> new NumpyArchive().ints("y", new int[] {1}).write(existing, OnExisting.FAIL));
        assertEquals("not Graft's", Files.readString(existing));
        assertTrue(new String(NumpyArchive.npy("<f4", new long[] {0, 4}, new byte[0]), StandardCharsets.US_ASCII).contains("(0, 4)"));
    }
}
