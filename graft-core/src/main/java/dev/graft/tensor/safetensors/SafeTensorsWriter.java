package dev.graft.tensor.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.io.OnExisting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** Serialises float32 tensors in the byte layout of the reference implementation. */
final class SafeTensorsWriter {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int CHUNK_FLOATS = 1 << 16;

    /** UTF-8 byte order, as Rust's {@code String} ordering used by the reference writer. */
    private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private SafeTensorsWriter() {
    }

    static void write(Path path, Collection<TensorData> tensors, Map<String, String> metadata, OnExisting onExisting)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(onExisting, "onExisting");
        List<TensorData> sorted = validated(path, tensors);
        sorted.sort(Comparator.comparing(TensorData::name, UTF8_ORDER));
        byte[] header = header(path, sorted, metadata == null ? Map.of() : metadata);
        AtomicFiles.writeAtomically(path, onExisting, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            for (TensorData t : sorted) {
                writeFloats(out, t.data());
            }
        });
    }

    private static List<TensorData> validated(Path path, Collection<TensorData> tensors) {
        List<TensorData> out = new ArrayList<>(tensors.size());
        Set<String> seen = new HashSet<>();
        for (TensorData t : tensors) {
            if (t == null || t.name() == null || t.shape() == null || t.data() == null) {
                throw new IllegalArgumentException("Cannot write " + path + ": got a null tensor, name, shape or data "
                        + "(" + t + "); every tensor needs a name, shape and data");
            }
            if (t.name().equals(HeaderParser.METADATA_KEY)) {
                throw new IllegalArgumentException("Cannot write " + path + ": the tensor name '"
                        + HeaderParser.METADATA_KEY + "' is reserved for metadata; rename the tensor");
            }
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("Cannot write " + path + ": tensor name '" + t.name()
                        + "' occurs twice; tensor names must be unique");
            }
            out.add(t);
        }
        return out;
    }

    /** The compact JSON header, padded with spaces to a multiple of 8 bytes. */
    private static byte[] header(Path path, List<TensorData> sorted, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(HeaderParser.METADATA_KEY);
                for (Map.Entry<String, String> e : sortedMetadata(path, metadata).entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (TensorData t : sorted) {
                long end = offset + 4L * t.data().length;
                g.writeObjectFieldStart(t.name());
                g.writeStringField("dtype", Dtype.F32.name());
                g.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(end);
                g.writeEndArray();
                g.writeEndObject();
                offset = end;
            }
            g.writeEndObject();
        }
        int pad = (8 - bytes.size() % 8) % 8;
        for (int i = 0; i < pad; i++) {
            bytes.write(' ');
        }
        if (bytes.size() > SafeTensorsFile.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("Cannot write " + path + ": the header would be " + bytes.size()
                    + " bytes, over the " + SafeTensorsFile.MAX_HEADER_BYTES + "-byte limit readers enforce; "
                    + "write fewer tensors or less metadata per file");
        }
        return bytes.toByteArray();
    }

    private static Map<String, String> sortedMetadata(Path path, Map<String, String> metadata) {
        Map<String, String> sorted = new TreeMap<>(UTF8_ORDER);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("Cannot write " + path + ": metadata entry " + e.getKey() + "="
                        + e.getValue() + " has a null key or value; safetensors metadata maps strings to strings");
            }
            sorted.put(e.getKey(), e.getValue());
        }
        return sorted;
    }

    private static void writeFloats(OutputStream out, float[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(CHUNK_FLOATS, data.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < data.length; start += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, data.length - start);
            buf.clear();
            buf.asFloatBuffer().put(data, start, n);
            out.write(buf.array(), 0, 4 * n);
        }
    }
}
