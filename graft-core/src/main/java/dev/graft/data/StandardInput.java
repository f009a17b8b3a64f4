package dev.graft.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Standard input, refused when it is closed.
 *
 * <p>A process started with standard input closed ({@code <&-}) has no file descriptor 0, so the
 * first file the JVM itself opens gets that number, typically the runtime image
 * {@code $JAVA_HOME/lib/modules}: reading "standard input" would then read that file. On Linux the
 * descriptor is checked through {@code /proc/self/fd/0}; elsewhere a closed descriptor shows up as
 * a read error, which is reported the same way.
 */
public final class StandardInput {

    /** Paths that name standard input itself. */
    private static final Set<String> ALIASES = Set.of("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0");

    private static final Path FD0 = Path.of("/proc/self/fd/0");

    private StandardInput() {
    }

    /** True when {@code path} is one of the names of standard input ({@code /dev/stdin}, {@code /dev/fd/0}, {@code /proc/self/fd/0}). */
    public static boolean isAlias(Path path) {
        return ALIASES.contains(path.normalize().toString());
    }

    /**
     * The process's standard input, which {@code close()} leaves open.
     *
     * @throws DataException when standard input is closed (see {@link #requireOpen})
     */
    public static InputStream open() {
        requireOpen();
        return new FilterInputStream(System.in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw unreadable(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw unreadable(e);
                }
            }

            @Override
            public void close() {
                // standard input stays open
            }
        };
    }

    /**
     * Checks that standard input is open.
     *
     * @throws DataException when file descriptor 0 is missing or is one of the Java runtime's own files
     */
    public static void requireOpen() {
        closedReason(FD0, Path.of(System.getProperty("java.home"))).ifPresent(reason -> {
            throw new DataException("Standard input is closed (" + reason + "), so there is nothing to read."
                    + " Pipe the input in, or give a file instead.");
        });
    }

    /**
     * Why the descriptor link {@code fd0} shows standard input to be closed, or empty when it looks open
     * or cannot be checked (no {@code /proc}).
     */
    static Optional<String> closedReason(Path fd0, Path javaHome) {
        if (!Files.isDirectory(fd0.getParent())) {
            return Optional.empty();
        }
        Path target;
        try {
            target = Files.readSymbolicLink(fd0);
        } catch (IOException | UnsupportedOperationException e) {
            return Files.exists(fd0, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Optional.empty()
                    : Optional.of("there is no file descriptor 0");
        }
        Path home;
        try {
            home = javaHome.toRealPath();
        } catch (IOException e) {
            home = javaHome.toAbsolutePath().normalize();
        }
        return target.isAbsolute() && target.normalize().startsWith(home)
                ? Optional.of("file descriptor 0 is the Java runtime's own file " + target)
                : Optional.empty();
    }

    private static DataException unreadable(IOException e) {
        return new DataException("Cannot read standard input (" + e.getMessage() + "); is it closed? Pipe the input in,"
                + " or give a file instead.", e);
    }
}
