package dev.graft.tensor.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked cursor over a protobuf-encoded byte range. Every length read from the input is
 * checked against the bytes that remain, so a malformed or hostile file yields an {@link IOException}
 * instead of an out-of-bounds access or a huge allocation.
 */
final class ProtoReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int START_GROUP = 3;
    static final int END_GROUP = 4;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private final int limit;
    private final String source;
    private final String context;
    private int pos;

    ProtoReader(byte[] buf, int offset, int limit, String source, String context) {
        this.buf = buf;
        this.pos = offset;
        this.limit = limit;
        this.source = source;
        this.context = context;
    }

    boolean hasRemaining() {
        return pos < limit;
    }

    int position() {
        return pos;
    }

    byte[] buffer() {
        return buf;
    }

    /** Where this reader is in the model, e.g. {@code ModelProto.graph.initializer[3]}. */
    String context() {
        return context;
    }

    IOException error(String field, String message) {
        return new IOException("Malformed ONNX file '" + source + "': " + context + "." + field + ": " + message
                + " (at byte " + pos + ")");
    }

    /** Reads a field key; returns {@code fieldNumber << 3 | wireType}. */
    int readTag() throws IOException {
        long key = readVarint("tag");
        if (key <= 0 || key > 0xFFFFFFFFL) {
            throw error("tag", "invalid field key " + key);
        }
        int wire = (int) (key & 7);
        if (wire > FIXED32) {
            throw error("tag", "unknown wire type " + wire);
        }
        if ((key >>> 3) == 0) {
            throw error("tag", "field number 0");
        }
        return (int) key;
    }

    long readVarint(String field) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw error(field, "truncated varint");
            }
            byte b = buf[pos++];
            if (shift == 63 && (b & 0xFE) != 0) {
                throw error(field, "varint longer than 64 bits");
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw error(field, "varint longer than 10 bytes");
    }

    /** Reads a varint that must be a non-negative {@code int32}. */
    int readNonNegativeInt(String field) throws IOException {
        long v = readVarint(field);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw error(field, "value " + v + " out of range");
        }
        return (int) v;
    }

    int readFixed32(String field) throws IOException {
        require(4, field);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    long readFixed64(String field) throws IOException {
        long lo = readFixed32(field) & 0xFFFFFFFFL;
        long hi = readFixed32(field) & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    float readFloat(String field) throws IOException {
        return Float.intBitsToFloat(readFixed32(field));
    }

    /** Reads a length prefix and checks it against the remaining bytes. */
    int readLength(String field) throws IOException {
        long len = readVarint(field);
        if (len < 0 || len > limit - pos) {
            throw error(field, "declared length " + len + " exceeds the " + (limit - pos) + " remaining bytes");
        }
        return (int) len;
    }

    String readString(String field) throws IOException {
        int len = readLength(field);
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** Reads a length-delimited field and returns a reader over just its bytes. */
    ProtoReader readMessage(String field, String childContext) throws IOException {
        int len = readLength(field);
        ProtoReader r = new ProtoReader(buf, pos, pos + len, source, context + "." + childContext);
        pos += len;
        return r;
    }

    /** Skips a field of the given wire type (groups are rejected: ONNX never uses them). */
    void skip(int tag) throws IOException {
        int wire = tag & 7;
        String field = "field#" + (tag >>> 3);
        switch (wire) {
            case VARINT -> readVarint(field);
            case FIXED64 -> advance(8, field);
            case LEN -> advance(readLength(field), field);
            case FIXED32 -> advance(4, field);
            default -> throw error(field, "unsupported wire type " + wire);
        }
    }

    void advance(int n, String field) throws IOException {
        require(n, field);
        pos += n;
    }

    private void require(int n, String field) throws IOException {
        if (n < 0 || n > limit - pos) {
            throw error(field, "needs " + n + " bytes but only " + (limit - pos) + " remain");
        }
    }
}
