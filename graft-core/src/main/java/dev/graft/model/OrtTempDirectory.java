package dev.graft.model;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ONNX Runtime's environment, and the removal at exit of the folder its Java loader extracted its native libraries into.
 *
 * <p>ONNX Runtime 1.22 copies its libraries into a new {@code java.io.tmpdir/onnxruntime-java<digits>} folder at every
 * start and asks the JVM to delete them at exit ({@code File.deleteOnExit}), the folder last. The JVM deletes in the
 * reverse order: the folder first, while it still holds the libraries, which fails, so every process that ran ONNX
 * Runtime left an empty folder behind (648 on the development machine after a day of runs and tests). A shutdown hook
 * runs before those deletions: it finds the folder this process mapped ONNX Runtime from ({@code /proc/self/maps}),
 * deletes the libraries extracted into it, then the folder. Where there is no {@code /proc} it does nothing.
 */
public final class OrtTempDirectory {

    static final String PREFIX = "onnxruntime-java";
    private static final String LIBRARY_PREFIX = "libonnxruntime";
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private OrtTempDirectory() {
    }

    /** {@link OrtEnvironment#getEnvironment()}, with the folder's removal at exit {@linkplain #removeAtExit installed}. */
    public static OrtEnvironment environment() {
        removeAtExit();
        return OrtEnvironment.getEnvironment();
    }

    /** {@link OrtEnvironment#getAvailableProviders()}, with the folder's removal at exit {@linkplain #removeAtExit installed}. */
    public static java.util.EnumSet<ai.onnxruntime.OrtProvider> providers() {
        removeAtExit();
        return OrtEnvironment.getAvailableProviders();
    }

    /** Installs, once per JVM, the shutdown hook that removes this process's extraction folder. */
    public static void removeAtExit() {
        if (INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(OrtTempDirectory::removeOwn, "graft-onnxruntime-temp"));
        }
    }

    private static void removeOwn() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return;
        }
        try {
            Optional<Path> dir = find(Files.readAllLines(maps), Path.of(System.getProperty("java.io.tmpdir")));
            if (dir.isPresent()) {
                remove(dir.get());
            }
        } catch (IOException | RuntimeException e) {
            // the JVM is exiting: nobody to tell, and the folder is only litter
        }
    }

    /**
     * The extraction folder among a process's memory mappings: the folder of a mapped {@code libonnxruntime*} library,
     * named as ONNX Runtime names it, directly inside {@code tmp}.
     */
    static Optional<Path> find(List<String> mapsLines, Path tmp) {
        Path tmpDir = tmp.toAbsolutePath().normalize();
        Path realTmp = tmpDir;
        try {
            realTmp = tmpDir.toRealPath();
        } catch (IOException e) {
            // compare with the path as given
        }
        for (String line : mapsLines) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String file = line.substring(slash).trim();
            if (file.endsWith(" (deleted)")) {
                file = file.substring(0, file.length() - " (deleted)".length());
            }
            Path lib = Path.of(file);
            Path dir = lib.getParent();
            if (lib.getFileName() == null || !lib.getFileName().toString().startsWith(LIBRARY_PREFIX) || dir == null
                    || dir.getFileName() == null || !dir.getFileName().toString().startsWith(PREFIX)) {
                continue;
            }
            if (tmpDir.equals(dir.getParent()) || realTmp.equals(dir.getParent())) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /**
     * Deletes the ONNX Runtime libraries in {@code dir} (regular files named {@code libonnxruntime*}), then {@code dir}
     * when nothing else is left in it; anything else stays.
     */
    static void remove(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (f.getFileName().toString().startsWith(LIBRARY_PREFIX) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        try (DirectoryStream<Path> left = Files.newDirectoryStream(dir)) {
            if (left.iterator().hasNext()) {
                return;
            }
        }
        Files.deleteIfExists(dir);
    }
}
