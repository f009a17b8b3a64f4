package dev.graft.tensor.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory Graft creates under the system's temporary folder for the length of one operation and removes,
 * with everything in it, on {@link #close}. It is the only folder Graft deletes wholesale: it made the folder and
 * everything in it.
 *
 * <p>Unlike what Graft publishes (through {@link AtomicFiles} and {@link OwnedDirectory}, which get the umask's
 * modes), this folder stays owner-only ({@code rwx------} where the file system has POSIX permissions): it lives in
 * the temporary folder other accounts share, and nothing in it outlives the operation.
 */
public final class TemporaryDirectory implements AutoCloseable {

    private final Path path;

    private TemporaryDirectory(Path path) {
        this.path = path;
    }

    /** Creates a new, empty temporary directory whose name starts with {@code prefix}. */
    public static TemporaryDirectory create(String prefix) throws IOException {
        return new TemporaryDirectory(Files.createTempDirectory(prefix));
    }

    /** The directory. */
    public Path path() {
        return path;
    }

    /** Deletes the directory and its contents (links are removed, never followed). */
    @Override
    public void close() {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the temporary directory " + path + ": " + e.getMessage(), e);
        }
    }
}
