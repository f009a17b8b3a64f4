package dev.graft.tensor.pickle;

import dev.graft.tensor.TensorData;
import dev.graft.tensor.pickle.Pickled.StorageRef;
import dev.graft.tensor.pickle.Pickled.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the tensors of a PyTorch checkpoint ({@code pytorch_model.bin}, {@code .pth}, {@code .pt}) written by
 * {@code torch.save} in its zip format (PyTorch 1.6+), without executing pickled code.
 *
 * <pre>{@code
 * Map<String, TensorData> stateDict = TorchCheckpoint.read(Path.of("pytorch_model.bin"));
 * }</pre>
 *
 * <p>The archive's {@code data.pkl} is interpreted by a restricted unpickler (see the package documentation);
 * anything but a dict of tensors, such as a pickled {@code os.system} call, is rejected with a
 * {@link PickleException} naming the global. Tensors are rebuilt from storage, offset, size and stride (views
 * and non-contiguous layouts are materialised in row-major order) and converted to float32 from float16,
 * bfloat16, float64 and integer storages (integers above 2<sup>24</sup> lose precision). A checkpoint whose top
 * level holds a {@code "state_dict"} dict (e.g. Lightning) is read from that dict. Non-tensor entries are
 * skipped.
 */
public final class TorchCheckpoint {

    /** Largest {@code data.pkl} accepted. */
    public static final long MAX_PICKLE_BYTES = 64L << 20;
    /** Largest storage accepted (a Java array bound). */
    public static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 8;

    private TorchCheckpoint() {
    }

    /**
     * Reads every tensor of a checkpoint, in the order the file lists them.
     *
     * @param file a zip-format {@code torch.save} file
     * @return tensors by state_dict key
     * @throws PickleException if the file is not a zip checkpoint, is malformed or truncated, or refers to code
     * @throws IOException     if the file cannot be read
     */
    public static Map<String, TensorData> read(Path file) throws IOException {
        String source = file.toString();
        byte[] magic = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 2) < 2 || magic[0] != 'P' || magic[1] != 'K') {
                boolean legacy = magic[0] == (byte) 0x80;
                throw new PickleException(source + ": not a zip-format PyTorch checkpoint"
                        + (legacy ? " (it looks like the legacy torch.save format of PyTorch < 1.6, which Graft does "
                        + "not read; re-save it with a recent PyTorch or convert it to safetensors)"
                        : "; expected a file written by torch.save (PyTorch 1.6+) or a safetensors file"));
            }
        }
        try (ZipFile zip = new ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
            return new Reader(zip, source).read();
        } catch (PickleException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PickleException(source + ": the zip archive is corrupt or truncated (" + e.getMessage() + ")", e);
        }
    }

    /** One read of one archive. */
    private static final class Reader {
        private final ZipFile zip;
        private final String source;
        private String prefix;
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        private final Map<String, ByteBuffer> storages = new HashMap<>();

        Reader(ZipFile zip, String source) {
            this.zip = zip;
            this.source = source;
        }

        Map<String, TensorData> read() throws IOException {
            ZipEntry pkl = findPickle();
            prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null) {
                String bo = new String(entryBytes(byteorder, 16, "byteorder"), StandardCharsets.US_ASCII).trim();
                if (bo.equals("big")) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (!bo.equals("little")) {
                    throw fail("byteorder entry says '" + bo + "', expected 'little' or 'big'");
                }
            }
            Object root = RestrictedUnpickler.load(entryBytes(pkl, MAX_PICKLE_BYTES, "data.pkl"), source);
            if (root instanceof Map<?, ?> m && m.get("state_dict") instanceof Map<?, ?> inner) {
                root = inner;
            }
            if (!(root instanceof Map<?, ?> dict)) {
                throw fail("the checkpoint holds " + (root == null ? "None" : root.getClass().getSimpleName())
                        + ", not a dict of tensors (a state_dict)");
            }
            Map<String, TensorData> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (e.getKey() instanceof String name && e.getValue() instanceof TensorRef t) {
                    out.put(name, materialise(name, t));
                }
            }
            return out;
        }

        private ZipEntry findPickle() throws PickleException {
            ZipEntry found = null;
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String n = e.getName();
                if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                    if (found != null) {
                        throw fail("the archive holds two pickles, " + found.getName() + " and " + n);
                    }
                    found = e;
                }
            }
            if (found == null) {
                throw fail("the archive has no <name>/data.pkl entry; it is not a torch.save checkpoint");
            }
            return found;
        }

        private TensorData materialise(String name, TensorRef t) throws IOException {
            StorageRef s = t.storage();
            long storageBytes = Math.multiplyExact(s.numel(), s.dtype().bytes());
            if (storageBytes > MAX_STORAGE_BYTES) {
                throw fail("tensor '" + name + "': its storage declares " + s.numel() + " elements ("
                        + storageBytes + " bytes), more than one Java array holds");
            }
            long count;
            try {
                count = TensorData.elementCount(t.size());
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw fail("tensor '" + name + "' has an invalid size " + Arrays.toString(t.size()));
            }
            long last = t.offset();
            for (int d = 0; d < t.size().length; d++) {
                if (t.stride()[d] < 0) {
                    throw fail("tensor '" + name + "' has a negative stride " + Arrays.toString(t.stride()));
                }
                if (t.size()[d] > 0 && count > 0) {
                    last = addOrFail(last, multiplyOrFail(t.size()[d] - 1, t.stride()[d], name), name);
                }
            }
            if (t.offset() < 0 || (count > 0 && last >= s.numel())) {
                throw fail("tensor '" + name + "' (" + t + ") reaches element " + last + " but its storage holds "
                        + s.numel());
            }
            if (count > s.numel()) {
                throw fail("tensor '" + name + "' has " + count + " elements but its storage only " + s.numel()
                        + "; overlapping (expanded) views are not supported");
            }
            ByteBuffer data = storage(s, storageBytes);
            float[] values = new float[(int) count];
            int dims = t.size().length;
            long[] index = new long[dims];
            long at = t.offset();
            for (int i = 0; i < values.length; i++) {
                values[i] = s.dtype().read(data, (int) at);
                for (int d = dims - 1; d >= 0; d--) { // odometer over the indices, row-major
                    index[d]++;
                    at += t.stride()[d];
                    if (index[d] < t.size()[d]) {
                        break;
                    }
                    at -= t.stride()[d] * index[d];
                    index[d] = 0;
                }
            }
            return new TensorData(name, t.size().clone(), values);
        }

        private long addOrFail(long a, long b, String name) throws PickleException {
            try {
                return Math.addExact(a, b);
            } catch (ArithmeticException e) {
                throw fail("tensor '" + name + "': offset and strides overflow");
            }
        }

        private long multiplyOrFail(long a, long b, String name) throws PickleException {
            try {
                return Math.multiplyExact(a, b);
            } catch (ArithmeticException e) {
                throw fail("tensor '" + name + "': size times stride overflows");
            }
        }

        private ByteBuffer storage(StorageRef s, long bytes) throws IOException {
            ByteBuffer cached = storages.get(s.key());
            if (cached != null) {
                if (cached.capacity() != bytes) {
                    throw fail("storage " + s.key() + " is used with two different sizes");
                }
                return cached;
            }
            ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
            if (e == null) {
                throw fail("storage " + s.key() + " has no entry " + prefix + "data/" + s.key());
            }
            if (e.getSize() != bytes) {
                throw fail("storage " + s.key() + " should hold " + s.numel() + " " + s.dtype().storageClass()
                        + " elements (" + bytes + " bytes) but its zip entry has " + e.getSize() + " bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(entryBytes(e, bytes, "storage " + s.key())).order(order);
            if (b.capacity() != bytes) {
                throw fail("storage " + s.key() + " holds " + b.capacity() + " bytes, expected " + bytes);
            }
            storages.put(s.key(), b);
            return b;
        }

        /** Reads an entry of at most {@code limit} bytes, growing the buffer only as data arrives. */
        private byte[] entryBytes(ZipEntry e, long limit, String what) throws IOException {
            if (e.getSize() > limit) {
                throw fail(what + " is " + e.getSize() + " bytes, more than the limit of " + limit);
            }
            try (InputStream in = zip.getInputStream(e)) {
                byte[] out = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
                if (in.read() >= 0) {
                    throw fail(what + " is longer than the limit of " + limit + " bytes");
                }
                if (e.getSize() >= 0 && out.length != e.getSize()) {
                    throw fail(what + " has " + out.length + " bytes but the zip directory says " + e.getSize());
                }
                return out;
            }
        }

        private PickleException fail(String what) {
            return new PickleException(source + ": " + what);
        }
    }
}
