package dev.graft.tensor.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.OnExisting;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    @Test
    void roundTripF32WithMetadata() throws IOException {
        TensorData w = new TensorData("layer.weight", new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.NaN, 0, 1e-30f});
        TensorData b = new TensorData("layer.bias", new long[] {3}, new float[] {0.25f, -0f, Float.POSITIVE_INFINITY});
        TensorData s = new TensorData("scalar", new long[] {}, new float[] {42});
        TensorData e = new TensorData("empty", new long[] {0, 4}, new float[0]);
        Path p = dir.resolve("model.safetensors");
        SafeTensors.write(p, List.of(w, b, s, e), Map.of("format", "pt", "note", "ünïcode \"quoted\""));

        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertEquals(List.of("empty", "layer.bias", "layer.weight", "scalar"), f.names());
            assertEquals(Map.of("format", "pt", "note", "ünïcode \"quoted\""), f.metadata());
            for (TensorData t : List.of(w, b, s, e)) {
                TensorData r = f.tensor(t.name());
                assertArrayEquals(t.shape(), r.shape(), t.name());
                assertArrayEquals(t.data(), r.data(), t.name());
                assertEquals(Dtype.F32, f.info(t.name()).dtype());
            }
            assertEquals(4, f.readAll().size());
        }
        byte[] bytes = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\","), header);
        assertTrue(header.indexOf("\"empty\"") < header.indexOf("\"layer.bias\""), "sorted by name");
        assertTrue(header.stripTrailing().endsWith("}") && header.length() - header.stripTrailing().length() < 8,
                "compact JSON then at most 7 spaces of padding: " + header);
    }

    @Test
    void writesExactlyWhatPythonSafetensorsWrites() throws IOException {
        // safetensors.torch.save_file({"b": tensor([0.5]), "a": tensor([[1., 2.], [3., 4.]])}, p,
        //                             metadata={"format": "pt"})
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}";
        assertEquals(143, json.length());
        byte[] expected = TestFiles.concat(TestFiles.le64(144), json.getBytes(StandardCharsets.US_ASCII),
                new byte[] {' '},
                new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, (byte) 0x80, 0x40},
                new byte[] {0, 0, 0, 0x3F});

        Path p = dir.resolve("py.safetensors");
        SafeTensors.write(p, List.of(new TensorData("b", new long[] {1}, new float[] {0.5f}),
                new TensorData("a", new long[] {2, 2}, new float[] {1, 2, 3, 4})), Map.of("format", "pt"));
        assertArrayEquals(expected, Files.readAllBytes(p));

        try (SafeTensorsFile f = SafeTensors.open(TestFiles.write(dir, "ref.safetensors", expected))) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, f.tensor("a").data());
            assertArrayEquals(new long[] {2, 2}, f.tensor("a").shape());
            assertArrayEquals(new float[] {0.5f}, f.tensor("b").data());
        }
    }

    @Test
    void readsF16() throws IOException {
        // 1.5, -2.0, 0.333 (nearest half 0x3555 = 0.33325195), smallest subnormal, -0, +inf, 65504 (max)
        byte[] data = TestFiles.u16(0x3E00, 0xC000, 0x3555, 0x0001, 0x8000, 0x7C00, 0x7BFF, 0x7E00);
        Path p = TestFiles.write(dir, "h.safetensors",
                TestFiles.file("{\"h\":{\"dtype\":\"F16\",\"shape\":[2,4],\"data_offsets\":[0,16]}}", data));
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            float[] v = f.tensor("h").data();
            assertEquals(1.5f, v[0]);
            assertEquals(-2.0f, v[1]);
            assertEquals(0.333f, v[2], 1e-3f);
            assertEquals(0.33325195f, v[2]);
            assertEquals(5.9604645e-8f, v[3]);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(v[4]));
            assertEquals(Float.POSITIVE_INFINITY, v[5]);
            assertEquals(65504f, v[6]);
            assertTrue(Float.isNaN(v[7]));
        }
    }

    @Test
    void readsBf16AndF64() throws IOException {
        byte[] bf = TestFiles.u16(0x3FC0, 0xC000, 0x3EAA, 0xFF80);
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.333).putDouble(-1e300);
        Path p = TestFiles.write(dir, "bf.safetensors", TestFiles.file(
                "{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[16,24]}}",
                TestFiles.concat(d.array(), bf)));
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            float[] v = f.tensor("b").data();
            assertEquals(1.5f, v[0]);
            assertEquals(-2.0f, v[1]);
            assertEquals(0.333f, v[2], 2e-3f);
            assertEquals(0.33203125f, v[2]);
            assertEquals(Float.NEGATIVE_INFINITY, v[3]);
            assertArrayEquals(new float[] {0.333f, Float.NEGATIVE_INFINITY}, f.tensor("d").data());
        }
    }

    @Test
    void unsupportedDtypeNamesTensorAndDtype() throws IOException {
        Path p = TestFiles.write(dir, "i.safetensors", TestFiles.file(
                "{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]));
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertEquals(Dtype.I64, f.info("ids").dtype());
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> f.tensor("ids"));
            assertTrue(e.getMessage().contains("'ids'") && e.getMessage().contains("I64")
                    && e.getMessage().contains("i.safetensors"), e.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> f.tensor("nope"));
            assertTrue(missing.getMessage().contains("'nope'"), missing.getMessage());
        }
    }

    @Test
    void writeRefusesToOverwriteUnlessAsked() throws IOException {
        Path p = dir.resolve("m.safetensors");
        List<TensorData> one = List.of(new TensorData("x", new long[] {1}, new float[] {1}));
        List<TensorData> two = List.of(new TensorData("x", new long[] {1}, new float[] {2}));
        SafeTensors.write(p, one, Map.of());
        assertThrows(FileAlreadyExistsException.class, () -> SafeTensors.write(p, two, Map.of()));
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertArrayEquals(new float[] {1}, f.tensor("x").data());
            assertEquals(Map.of(), f.metadata());
        }
        SafeTensors.write(p, two, null, OnExisting.REPLACE);
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertArrayEquals(new float[] {2}, f.tensor("x").data());
        }
        assertOnlyFiles("m.safetensors");
    }

    @Test
    void writeRejectsDuplicateAndReservedNamesWithoutLeavingFiles() throws IOException {
        Path p = dir.resolve("bad.safetensors");
        TensorData x = new TensorData("x", new long[] {1}, new float[] {1});
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(p, List.of(x, x), Map.of()));
        assertTrue(dup.getMessage().contains("'x'") && dup.getMessage().contains("bad.safetensors"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(p,
                List.of(x.renamed("__metadata__")), Map.of()));
        assertOnlyFiles();
    }

    @Test
    void readsTensorsBeyondTwoGigabytesInASparseFile() throws IOException {
        long big = 2_200_000_000L; // a U8 tensor larger than Integer.MAX_VALUE bytes, never materialised
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] head = TestFiles.file(json, new byte[0]);
        Path p = dir.resolve("sparse.safetensors");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            ch.write(ByteBuffer.wrap(head));
            ch.write(ByteBuffer.wrap(TestFiles.f32(7.5f, -1f)), head.length + big);
        }
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertArrayEquals(new float[] {7.5f, -1f}, f.tensor("tail").data());
            assertThrows(SafeTensorsException.class, () -> f.tensor("big"));
        }
    }

    private void assertOnlyFiles(String... names) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(Arrays.asList(names), s.map(x -> x.getFileName().toString()).sorted().toList());
        }
    }
}
