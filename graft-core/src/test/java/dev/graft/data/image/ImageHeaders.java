package dev.graft.data.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** Image files written byte by byte, for headers that claim more than the file holds (made at run time, never committed). */
final class ImageHeaders {

    private ImageHeaders() {
    }

    /**
     * A valid 8-bit grayscale PNG of {@code width × height} black pixels: a "decompression bomb" (20000×20000 is about
     * 400 KB on disk and 400 MB of pixels), written row by row so the test never holds the pixels.
     */
    static byte[] blackPng(int width, int height) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.DEFAULT_COMPRESSION), 1 << 16)) {
            byte[] row = new byte[width + 1]; // filter byte 0, then the pixels
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        }
        return png(width, height, idat.toByteArray());
    }

    /** A PNG whose header says {@code width × height} grayscale but whose pixel data is {@code idat} (e.g. garbage). */
    static byte[] png(int width, int height, byte[] idat) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** A lossless WebP (VP8L) whose header says {@code width × height} (at most 16384 each), followed by garbage. */
    static byte[] webp(int width, int height) {
        int bits = (width - 1) | (height - 1) << 14; // 14 bits each, then alpha and version bits 0
        byte[] garbage = new byte[32];
        java.util.Arrays.fill(garbage, (byte) 0x5A);
        ByteBuffer vp8l = ByteBuffer.allocate(5 + garbage.length).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x2F).putInt(bits)
                .put(garbage);
        ByteBuffer riff = ByteBuffer.allocate(20 + vp8l.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        riff.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(12 + vp8l.capacity()).put("WEBP".getBytes(StandardCharsets.US_ASCII))
                .put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(vp8l.capacity()).put(vp8l.array());
        return riff.array();
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
