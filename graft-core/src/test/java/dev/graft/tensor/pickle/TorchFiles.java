package dev.graft.tensor.pickle;

import dev.graft.tensor.TensorData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds PyTorch zip checkpoints byte by byte, as {@code torch.save(state_dict, f)} lays them out with pickle
 * protocol 2: {@code archive/data.pkl}, {@code archive/data/<key>} (stored, little-endian), {@code archive/version}.
 */
public final class TorchFiles {

    private TorchFiles() {
    }

    /** Pickle opcodes appended by hand. */
    public static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int memo;

        public Pickle op(int... opcodes) {
            for (int b : opcodes) {
                out.write(b);
            }
            return this;
        }

        public Pickle global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return put();
        }

        public Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return put();
        }

        public Pickle integer(long v) {
            if (v >= 0 && v < 256) {
                return op('K', (int) v);
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.write('J');
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
                return this;
            }
            out.write(0x8a);
            out.write(8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        public Pickle tuple(long... values) {
            op('(');
            for (long v : values) {
                integer(v);
            }
            return op('t');
        }

        /** BINPUT of the top of the stack, as Python's pickler memoises. */
        public Pickle put() {
            return op('q', memo++ & 0xFF);
        }

        /** {@code _rebuild_tensor_v2(storage(type, key, numel), offset, size, stride, False, OrderedDict())}. */
        public Pickle tensor(String storageClass, String key, long numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2");
            op('(');
            op('(').string("storage").global("torch", storageClass).string(key).string("cpu").integer(numel)
                    .op('t').put().op('Q');
            integer(offset).tuple(size).tuple(stride).op(0x89);
            global("collections", "OrderedDict").op(')', 'R').put();
            return op('t').put().op('R').put();
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A pickle of an OrderedDict of contiguous float tensors, storage keys "0", "1", ... in order. */
    public static byte[] stateDictPickle(Map<String, long[]> shapes, String storageClass) {
        Pickle p = new Pickle().op(0x80, 2).global("collections", "OrderedDict").op(')', 'R').put().op('(');
        int key = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] shape = e.getValue();
            long[] stride = new long[shape.length];
            long n = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                stride[d] = n;
                n *= shape[d];
            }
            p.string(e.getKey()).tensor(storageClass, Integer.toString(key++), n, 0, shape, stride);
        }
        p.op('u');
        // state_dict._metadata, attached with BUILD as OrderedDict.__reduce__ does
        p.op('}').put().string("_metadata").global("collections", "OrderedDict").op(')', 'R').put()
                .string("").op('}').put().string("version").integer(1).op('s').op('s').op('s').op('b');
        return p.op('.').bytes();
    }

    /** Writes float32 tensors as a checkpoint at {@code file}. */
    public static Path writeFloat32(Path file, Map<String, TensorData> tensors) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, byte[]> storages = new LinkedHashMap<>();
        int key = 0;
        for (TensorData t : tensors.values()) {
            shapes.put(t.name(), t.shape());
            ByteBuffer b = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : t.data()) {
                b.putFloat(f);
            }
            storages.put(Integer.toString(key++), b.array());
        }
        return writeZip(file, "archive", stateDictPickle(shapes, "FloatStorage"), storages);
    }

    /** Writes a zip checkpoint with the given pickle and storages (entries stored, uncompressed). */
    public static Path writeZip(Path file, String prefix, byte[] pickle, Map<String, byte[]> storages)
            throws IOException {
        Files.write(file, zip(prefix, pickle, storages));
        return file;
    }

    /** The bytes of a zip checkpoint. */
    public static byte[] zip(String prefix, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        return zip(prefix, pickle, storages, "little");
    }

    /** The bytes of a zip checkpoint whose {@code byteorder} entry says {@code byteorder}. */
    public static byte[] zip(String prefix, byte[] pickle, Map<String, byte[]> storages, String byteorder)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, prefix + "/data.pkl", pickle);
            stored(zip, prefix + "/byteorder", byteorder.getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                stored(zip, prefix + "/data/" + e.getKey(), e.getValue());
            }
            stored(zip, prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        OutputStream o = zip;
        o.write(data);
        zip.closeEntry();
    }
}
