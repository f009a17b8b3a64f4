package dev.graft.tensor.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Atomic file writes: the content goes to a temporary file in the target's directory, is flushed and
 * {@code fsync}ed, and is then moved over the target with {@link StandardCopyOption#ATOMIC_MOVE}. Readers see
 * either the old file (or none) or the complete new one; on any error the temporary file is deleted and the
 * target is untouched.
 *
 * <p>With {@link OnExisting#FAIL} the final step is a hard link, which the operating system refuses atomically
 * when the target exists. Where the file system has no hard links it falls back to an existence check followed by
 * the move, which leaves a tiny race window against a concurrent writer.
 *
 * <p>The file gets the permissions of any new file the process creates (the umask's: {@code rw-r--r--} under umask
 * 022), not the owner-only mode of {@link Files#createTempFile}, so that another account (a server reading the model)
 * can read what Graft wrote. A replaced file gets the same default mode, not the one it had.
 */
public final class AtomicFiles {

    private static final int BUFFER_SIZE = 1 << 16;
    private static final int MAX_NAME_TRIES = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically, replacing it if it exists (the same default as {@link Files#write}).
     *
     * @param target the file to write; its parent directory must exist
     * @param body   writes the content; it must not close the stream
     * @throws IOException if the body or the file system fails; the target is then unchanged
     */
    public static void writeAtomically(Path target, IoConsumer<OutputStream> body) throws IOException {
        writeAtomically(target, OnExisting.REPLACE, body);
    }

    /**
     * Writes {@code target} atomically.
     *
     * @param target     the file to write; its parent directory must exist
     * @param onExisting whether an existing target is replaced or the write fails
     * @param body       writes the content; it must not close the stream
     * @throws FileAlreadyExistsException if the target exists and {@code onExisting} is {@link OnExisting#FAIL}
     * @throws IOException                if the body or the file system fails; the target is then unchanged
     */
    public static void writeAtomically(Path target, OnExisting onExisting, IoConsumer<OutputStream> body)
            throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(onExisting, "onExisting");
        Objects.requireNonNull(body, "body");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("Cannot write " + target + ": parent directory " + dir
                    + " does not exist; create it first");
        }
        if (onExisting == OnExisting.FAIL && Files.exists(absolute)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "refusing to overwrite; delete it or ask for OnExisting.REPLACE");
        }
        Path tmp = createSibling(dir, absolute.getFileName().toString());
        boolean done = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_SIZE);
                body.accept(new NonClosingOutputStream(out));
                out.flush();
                channel.force(true);
            }
            publish(tmp, absolute, target, onExisting);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        syncDirectory(dir);
    }

    /**
     * Writes {@code text} as UTF-8 to {@code target} atomically, replacing it if it exists.
     *
     * @param target the file to write
     * @param text   the content
     * @throws IOException if the file system fails; the target is then unchanged
     */
    public static void writeString(Path target, String text) throws IOException {
        writeString(target, text, OnExisting.REPLACE);
    }

    /**
     * Writes {@code text} as UTF-8 to {@code target} atomically.
     *
     * @param target     the file to write
     * @param text       the content
     * @param onExisting whether an existing target is replaced or the write fails
     * @throws IOException if the file system fails; the target is then unchanged
     */
    public static void writeString(Path target, String text, OnExisting onExisting) throws IOException {
        Objects.requireNonNull(text, "text");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        writeAtomically(target, onExisting, out -> out.write(bytes));
    }

    /**
     * Creates a new, empty, hidden file {@code .NAME.RANDOM.tmp} in {@code dir} with the default permissions (the
     * umask's), refusing an existing entry of that name as {@link Files#createTempFile} does, but without its
     * owner-only mode.
     */
    private static Path createSibling(Path dir, String name) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException taken) {
                if (attempt == MAX_NAME_TRIES) {
                    throw taken;
                }
            }
        }
    }

    private static void publish(Path tmp, Path absolute, Path target, OnExisting onExisting) throws IOException {
        if (onExisting == OnExisting.REPLACE) {
            move(tmp, absolute, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try {
            Files.createLink(absolute, tmp);
            Files.delete(tmp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "refusing to overwrite; delete it or ask for OnExisting.REPLACE");
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            // fall through: check, then move
        }
        if (Files.exists(absolute)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "refusing to overwrite; delete it or ask for OnExisting.REPLACE");
        }
        move(tmp, absolute, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void move(Path tmp, Path absolute, Path target, StandardCopyOption... options) throws IOException {
        try {
            Files.move(tmp, absolute, options);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Cannot write " + target + " atomically: the file system does not support "
                    + "atomic moves within " + absolute.getParent() + "; write to a local file system", e);
        }
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux, macOS); else a no-op. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on this platform (e.g. Windows); the file itself was already fsynced.
        }
    }

    /** Keeps the body from closing the underlying channel before it is fsynced. */
    private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
