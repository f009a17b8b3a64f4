package dev.graft.tensor.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchCheckpointTest {

    @TempDir
    Path dir;

    private static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(order);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void readsAStateDictWrittenLikeTorchSave() throws IOException {
        Map<String, TensorData> in = new LinkedHashMap<>();
        in.put("a.weight", new TensorData("a.weight", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        in.put("a.bias", new TensorData("a.bias", new long[] {3}, new float[] {-1, 0.5f, 7}));
        in.put("scalar", new TensorData("scalar", new long[] {}, new float[] {42}));
        Path f = TorchFiles.writeFloat32(dir.resolve("pytorch_model.bin"), in);
        Map<String, TensorData> out = TorchCheckpoint.read(f);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(out.keySet()));
        for (TensorData t : in.values()) {
            assertArrayEquals(t.shape(), out.get(t.name()).shape(), t.name());
            assertArrayEquals(t.data(), out.get(t.name()).data(), t.name());
        }
    }

    @Test
    void materialisesOffsetsAndTransposedStridesOnASharedStorage() throws IOException {
        // storage 0: 0..7; "t" = storage[1:7].view(2,3).t() -> size (3,2), stride (1,3), offset 1
        TorchFiles.Pickle p = new TorchFiles.Pickle().op(0x80, 2).op('}').put().op('(');
        p.string("whole").tensor("FloatStorage", "0", 8, 0, new long[] {8}, new long[] {1});
        p.string("t").tensor("FloatStorage", "0", 8, 1, new long[] {3, 2}, new long[] {1, 3});
        p.op('u', '.');
        Path f = TorchFiles.writeZip(dir.resolve("v.pth"), "v", p.bytes(),
                Map.of("0", floats(ByteOrder.LITTLE_ENDIAN, 0, 1, 2, 3, 4, 5, 6, 7)));
        Map<String, TensorData> out = TorchCheckpoint.read(f);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, out.get("whole").data());
        assertArrayEquals(new long[] {3, 2}, out.get("t").shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, out.get("t").data());
    }

    @Test
    void convertsHalfBfloat16DoubleAndBigEndian() throws IOException {
        TorchFiles.Pickle p = new TorchFiles.Pickle().op(0x80, 2).op('}').put().op('(');
        p.string("h").tensor("HalfStorage", "0", 3, 0, new long[] {3}, new long[] {1});
        p.string("b").tensor("BFloat16Storage", "1", 2, 0, new long[] {2}, new long[] {1});
        p.string("d").tensor("DoubleStorage", "2", 1, 0, new long[] {1}, new long[] {1});
        p.op('u', '.');
        ByteBuffer h = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3C00)
                .putShort((short) 0xC000).putShort((short) 0x0001);
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) (Float.floatToIntBits(1.5f) >>> 16)).putShort((short) (Float.floatToIntBits(-3f) >>> 16));
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25);
        Map<String, byte[]> storages = new LinkedHashMap<>();
        storages.put("0", h.array());
        storages.put("1", b.array());
        storages.put("2", d.array());
        Map<String, TensorData> out = TorchCheckpoint.read(TorchFiles.writeZip(dir.resolve("m.bin"), "archive",
                p.bytes(), storages));
        assertArrayEquals(new float[] {1f, -2f, 0x1p-24f}, out.get("h").data());
        assertArrayEquals(new float[] {1.5f, -3f}, out.get("b").data());
        assertArrayEquals(new float[] {0.25f}, out.get("d").data());

        // a big-endian archive says so in its byteorder entry
        byte[] pkl = TorchFiles.stateDictPickle(Map.of("x", new long[] {2}), "FloatStorage");
        byte[] zip = TorchFiles.zip("archive", pkl, Map.of("0", floats(ByteOrder.BIG_ENDIAN, 3f, -4f)), "big");
        Path be = Files.write(dir.resolve("be.bin"), zip);
        assertArrayEquals(new float[] {3f, -4f}, TorchCheckpoint.read(be).get("x").data());
    }

    private PickleException rejected(byte[] pickle) throws IOException {
        Path f = TorchFiles.writeZip(dir.resolve("evil.bin"), "archive", pickle, Map.of());
        return assertThrows(PickleException.class, () -> TorchCheckpoint.read(f));
    }

    @Test
    void refusesOsSystemAndOtherGlobals() throws IOException {
        byte[] osSystem = new TorchFiles.Pickle().op(0x80, 2).global("os", "system").string("touch /tmp/pwned")
                .op(0x85, 'R', '.').bytes();
        PickleException e = rejected(osSystem);
        assertTrue(e.getMessage().contains("'os.system'"), e.getMessage());
        assertTrue(e.getMessage().contains("never executes pickled code"), e.getMessage());

        byte[] eval = new TorchFiles.Pickle().op(0x80, 4).string("builtins").string("eval").op(0x93)
                .string("1").op(0x85, 'R', '.').bytes();
        assertTrue(rejected(eval).getMessage().contains("'builtins.eval'"));

        byte[] posix = new TorchFiles.Pickle().op(0x80, 2).global("posix", "system").op('.').bytes();
        assertTrue(rejected(posix).getMessage().contains("'posix.system'"));

        // an allowed non-callable global (a storage type) cannot be called
        byte[] callStorage = new TorchFiles.Pickle().op(0x80, 2).global("torch", "FloatStorage").op(')', 'R', '.').bytes();
        assertTrue(rejected(callStorage).getMessage().contains("REDUCE may only call"));

        // opcodes a state_dict never uses (INST, OBJ, NEWOBJ, EXT1) are refused too
        for (int op : new int[] {'i', 'o', 0x81, 0x82}) {
            byte[] other = new TorchFiles.Pickle().op(0x80, 2).op(op, '.').bytes();
            assertTrue(rejected(other).getMessage().contains("never executes pickled code"));
        }
    }

    @Test
    void checksViewsAndStoragesAgainstTheirSizes() throws IOException {
        TorchFiles.Pickle p = new TorchFiles.Pickle().op(0x80, 2).op('}').put().op('(');
        p.string("w").tensor("FloatStorage", "0", 4, 2, new long[] {2, 2}, new long[] {2, 1});
        byte[] pkl = p.op('u', '.').bytes();
        Path f = TorchFiles.writeZip(dir.resolve("oob.bin"), "archive", pkl,
                Map.of("0", floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4)));
        PickleException e = assertThrows(PickleException.class, () -> TorchCheckpoint.read(f));
        assertTrue(e.getMessage().contains("reaches element 5 but its storage holds 4"), e.getMessage());

        Path g = TorchFiles.writeZip(dir.resolve("short.bin"), "archive",
                TorchFiles.stateDictPickle(Map.of("w", new long[] {1000}), "FloatStorage"),
                Map.of("0", floats(ByteOrder.LITTLE_ENDIAN, 1, 2)));
        e = assertThrows(PickleException.class, () -> TorchCheckpoint.read(g));
        assertTrue(e.getMessage().contains("(4000 bytes) but its zip entry has 8 bytes"), e.getMessage());

        TorchFiles.Pickle q = new TorchFiles.Pickle().op(0x80, 2).op('}').put().op('(');
        q.string("w").tensor("FloatStorage", "0", 2, 0, new long[] {1L << 40}, new long[] {0});
        Path h = TorchFiles.writeZip(dir.resolve("expand.bin"), "archive", q.op('u', '.').bytes(),
                Map.of("0", floats(ByteOrder.LITTLE_ENDIAN, 1, 2)));
        e = assertThrows(PickleException.class, () -> TorchCheckpoint.read(h));
        assertTrue(e.getMessage().contains("overlapping"), e.getMessage());
    }

    @Test
    void explainsLegacyAndNonZipFiles() throws IOException {
        Path legacy = Files.write(dir.resolve("old.bin"), new byte[] {(byte) 0x80, 2, 'N', '.'});
        PickleException e = assertThrows(PickleException.class, () -> TorchCheckpoint.read(legacy));
        assertTrue(e.getMessage().contains("legacy torch.save format"), e.getMessage());
        Path text = Files.writeString(dir.resolve("x.bin"), "hello");
        e = assertThrows(PickleException.class, () -> TorchCheckpoint.read(text));
        assertTrue(e.getMessage().contains("not a zip-format PyTorch checkpoint"), e.getMessage());
    }
}
