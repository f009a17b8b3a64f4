package dev.graft.tensor.safetensors;

import dev.graft.tensor.HalfFloats;
import dev.graft.tensor.TensorData;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * An open, validated safetensors file. The header is parsed and checked when the file is opened; tensor bytes are
 * read on demand with positional reads in 1 MiB chunks, so files larger than 2 GB work (only one tensor must fit in
 * a Java {@code float[]}, i.e. fewer than 2<sup>31</sup> elements). Safe for concurrent {@link #tensor} calls.
 * Close it to release the file handle.
 */
public final class SafeTensorsFile implements Closeable {

    /** Largest header the reader accepts, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int CHUNK_BYTES = 1 << 20;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final HeaderParser.Header header;

    private SafeTensorsFile(Path path, FileChannel channel, long dataStart, HeaderParser.Header header) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
    }

    /** Opens and validates {@code path}; see {@link SafeTensors#open(Path)}. */
    static SafeTensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            String file = path.toString();
            long size = channel.size();
            if (size < 8) {
                throw new SafeTensorsException(file + ": the file has " + size + " bytes but a safetensors file "
                        + "starts with an 8-byte header length; it is truncated or not a safetensors file");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            long n = lengthBytes.getLong(0);
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw new SafeTensorsException(file + ": the declared header length " + Long.toUnsignedString(n)
                        + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes; the file is corrupt or not a "
                        + "safetensors file");
            }
            if (n > size - 8) {
                throw new SafeTensorsException(file + ": the declared header length " + n + " exceeds the "
                        + (size - 8) + " bytes after the length field; the file is truncated or corrupt");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
            readFully(channel, headerBytes, 8, file);
            HeaderParser.Header header = HeaderParser.parse(file, headerBytes.array(), size - 8 - n);
            return new SafeTensorsFile(path, channel, 8 + n, header);
        } catch (IOException | RuntimeException | Error e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** @return the file this was opened from */
    public Path path() {
        return path;
    }

    /** @return the tensor names, sorted */
    public List<String> names() {
        return header.tensors().keySet().stream().sorted().toList();
    }

    /** @return the {@code __metadata__} entries, sorted by key; empty when the file has none */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** @return every tensor's header entry, in data-offset order */
    public Collection<TensorInfo> infos() {
        return header.tensors().values();
    }

    /** @return whether the file holds a tensor called {@code name} */
    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /**
     * @param name a tensor name
     * @return its header entry
     * @throws IllegalArgumentException if there is no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            List<String> names = names();
            throw new IllegalArgumentException(path + " has no tensor '" + name + "'; it has " + names.size()
                    + " tensors" + (names.isEmpty() ? "" : ", e.g. " + names.subList(0, Math.min(5, names.size())))
                    + "; check the name (see names())");
        }
        return info;
    }

    /**
     * Reads one tensor and converts it to float32.
     *
     * @param name a tensor name
     * @return the tensor, row-major
     * @throws IllegalArgumentException if there is no such tensor
     * @throws SafeTensorsException     if its dtype cannot be converted (only F32, F16, BF16 and F64 can), it has
     *                                  too many elements for a Java array, or the file shrank since it was opened
     * @throws IOException              if reading fails or the file was closed
     */
    public TensorData tensor(String name) throws IOException {
        TensorInfo info = info(name);
        Dtype dtype = info.dtype();
        if (!dtype.convertibleToFloat()) {
            throw new SafeTensorsException(path + ": tensor '" + name + "' has dtype " + dtype + ", which cannot be "
                    + "read as float32; supported dtypes are F32, F16, BF16 and F64");
        }
        long count = info.elementCount();
        if (count > MAX_ARRAY) {
            throw new SafeTensorsException(path + ": tensor '" + name + "' has " + count + " elements, more than a "
                    + "Java float[] holds (" + MAX_ARRAY + "); split it or read it with another tool");
        }
        float[] out = new float[(int) count];
        int bytesPer = dtype.bits() / 8;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, info.byteLength()))
                .order(ByteOrder.LITTLE_ENDIAN);
        long position = dataStart + info.begin();
        long remaining = info.byteLength();
        int index = 0;
        while (remaining > 0) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), remaining));
            readFully(channel, buf, position, path + ": tensor '" + name + "'");
            position += buf.limit();
            remaining -= buf.limit();
            buf.flip();
            int n = buf.limit() / bytesPer;
            convert(dtype, buf, out, index, n);
            index += n;
        }
        return new TensorData(name, info.shape(), out);
    }

    /**
     * Reads every tensor, in data-offset order.
     *
     * @return the tensors
     * @throws IOException as {@link #tensor(String)}
     */
    public List<TensorData> readAll() throws IOException {
        List<TensorData> out = new ArrayList<>();
        for (TensorInfo info : infos()) {
            out.add(tensor(info.name()));
        }
        return out;
    }

    /** Closes the file; later {@link #tensor} calls fail. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void convert(Dtype dtype, ByteBuffer buf, float[] out, int offset, int n) {
        switch (dtype) {
            case F32 -> buf.asFloatBuffer().get(out, offset, n);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = (float) buf.getDouble(i * 8);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = HalfFloats.f16ToFloat(buf.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = HalfFloats.bf16ToFloat(buf.getShort(i * 2));
                }
            }
            default -> throw new IllegalStateException("unreachable: " + dtype);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position, String what)
            throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int read = channel.read(buf, pos);
            if (read < 0) {
                throw new SafeTensorsException(what + ": the file ended at byte " + pos + " while "
                        + buf.remaining() + " more bytes were expected; it is truncated or changed since it was "
                        + "opened");
            }
            pos += read;
        }
    }
}
