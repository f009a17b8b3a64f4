package dev.graft.tensor.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes NumPy's {@code .npz} archive (a zip of {@code .npy} files, format version 1.0), which {@code numpy.load}
 * reads without pickle: float32 matrices, int32 vectors and fixed-width Unicode string vectors ({@code <U}n, UTF-32).
 * Written by hand: the {@code .npy} header is one short Python-literal line and the archive a plain zip
 * ({@link ZipOutputStream}), so a NumPy library for Java is not worth a dependency. Entries are stored uncompressed,
 * as {@code numpy.savez} does.
 */
public final class NumpyArchive {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGN = 64;

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** One array of the archive: its dtype descriptor, shape and little-endian bytes. */
    private record Entry(String descr, long[] shape, byte[] data) {
    }

    /** An empty archive. */
    public NumpyArchive() {
    }

    /**
     * Adds a float32 matrix {@code [rows, width]}; every row must have the same width.
     *
     * @throws IllegalArgumentException if rows differ in width or {@code name} is taken or not a plain name
     */
    public NumpyArchive floats(String name, float[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(rows.length, width), Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != width) {
                throw new IllegalArgumentException("array '" + name + "': row " + r + " has " + rows[r].length
                        + " values, row 0 has " + width);
            }
            b.asFloatBuffer().put(rows[r]);
            b.position(b.position() + width * Float.BYTES);
        }
        return add(name, new Entry("<f4", new long[] {rows.length, width}, b.array()));
    }

    /** Adds an int32 vector. */
    public NumpyArchive ints(String name, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, Integer.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return add(name, new Entry("<i4", new long[] {values.length}, b.array()));
    }

    /** Adds a vector of strings as NumPy's fixed-width Unicode dtype, as wide as the longest string (at least 1). */
    public NumpyArchive strings(String name, List<String> values) {
        int width = 1;
        for (String s : values) {
            width = Math.max(width, s.codePointCount(0, s.length()));
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(values.size(), width), 4))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (String s : values) {
            int start = b.position();
            s.codePoints().forEach(b::putInt);
            b.position(start + width * 4);
        }
        return add(name, new Entry("<U" + width, new long[] {values.size()}, b.array()));
    }

    /** The names added so far, in order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /**
     * Writes the archive to {@code target} atomically ({@link AtomicFiles}).
     *
     * @throws java.nio.file.FileAlreadyExistsException if the file exists and {@code onExisting} is FAIL
     */
    public void write(Path target, OnExisting onExisting) throws IOException {
        AtomicFiles.writeAtomically(target, onExisting, this::writeTo);
    }

    /** Writes the archive to {@code out} (not closed). */
    public void writeTo(OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            byte[] npy = npy(e.getValue());
            ZipEntry z = new ZipEntry(e.getKey() + ".npy");
            z.setMethod(ZipEntry.STORED);
            z.setSize(npy.length);
            z.setCompressedSize(npy.length);
            CRC32 crc = new CRC32();
            crc.update(npy);
            z.setCrc(crc.getValue());
            z.setTime(0);
            zip.putNextEntry(z);
            zip.write(npy);
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    /** One {@code .npy} file: magic, version 1.0, the header dict padded to 64 bytes, the data. */
    static byte[] npy(String descr, long[] shape, byte[] data) {
        return npy(new Entry(descr, shape, data));
    }

    private static byte[] npy(Entry e) {
        StringBuilder shape = new StringBuilder("(");
        for (long d : e.shape()) {
            shape.append(d).append(", ");
        }
        if (e.shape().length > 1) {
            shape.setLength(shape.length() - 2);
        } else if (e.shape().length == 1) {
            shape.setLength(shape.length() - 1);
        }
        shape.append(')');
        String dict = "{'descr': '" + e.descr() + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        String header = dict + " ".repeat(padding) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + h.length + e.data().length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) h.length).put(h).put(e.data());
        return b.array();
    }

    private NumpyArchive add(String name, Entry e) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("array name '" + name + "' must be a plain identifier");
        }
        if (entries.putIfAbsent(name, e) != null) {
            throw new IllegalArgumentException("array '" + name + "' is already in the archive");
        }
        return this;
    }
}
