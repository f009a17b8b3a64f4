package dev.graft.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers for cache keys, provenance and download verification. */
public final class Hashes {

    private Hashes() {
    }

    /** A fresh SHA-256 digest (always available on every JVM). */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Hex SHA-256 of a file's bytes, streamed. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    /** Hex SHA-256 of a stream's remaining bytes; the stream is not closed. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Copies {@code source} (symbolic links followed) to a new file {@code target} and returns the hex SHA-256 of the
     * bytes written, so that a checksum recorded for the copy is computed from the copy's own bytes. The target gets
     * its own data (never a link to the source), so changing one cannot change the other.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code target} exists
     */
    public static String copy(Path source, Path target) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(source);
             java.io.OutputStream out = Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE_NEW,
                     java.nio.file.StandardOpenOption.WRITE)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Hex SHA-256 of a string's UTF-8 bytes. */
    public static String sha256(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Adds a length-prefixed string so that concatenations cannot collide ("ab"+"c" vs "a"+"bc"). */
    public static void update(MessageDigest md, String part) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        md.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
        md.update(b);
    }
}
