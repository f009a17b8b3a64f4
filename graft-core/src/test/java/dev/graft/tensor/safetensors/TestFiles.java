package dev.graft.tensor.safetensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, independently of the writer under test. */
final class TestFiles {

    private TestFiles() {
    }

    /** 8-byte little-endian length, the header padded with spaces to a multiple of 8, then the data. */
    static byte[] file(String headerJson, byte[] data) {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le64(padded));
        out.writeBytes(header);
        for (int i = header.length; i < padded; i++) {
            out.write(' ');
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** Little-endian 16-bit words. */
    static byte[] u16(int... words) {
        ByteBuffer b = ByteBuffer.allocate(2 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putShort((short) w);
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** A small valid file with an F32 and an F16 tensor and metadata. */
    static byte[] small() {
        return file("{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                        + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[16,22]}}",
                concat(f32(1f, 2f, 3f, 4f), u16(0x3E00, 0xC000, 0x3555)));
    }
}
