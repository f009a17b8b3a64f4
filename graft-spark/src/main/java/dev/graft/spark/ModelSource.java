package dev.graft.spark;

import dev.graft.tensor.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkFiles;

/**
 * Where an executor finds a model, and the checksum its copy must have. Sent to executors inside the task
 * closure (small: names and hashes, never weights).
 *
 * <p>A model directory travels through Spark's file distribution: the driver packs it once into a zip named
 * after its checksum and registers it with {@link SparkContext#addArchive}, so every executor downloads and
 * unpacks it once ({@link SparkFiles#get}); when the archive is not there (a shared file system, or a copy not
 * yet fetched) the original path is used. Either way the copy's checksum is checked before it is used. A bundled
 * model ({@code minilm}) is not shipped: it is extracted from the Graft jar on each executor and its weights'
 * SHA-256 compared with the driver's.
 *
 * @param reference   a bundled model name, or the model directory's path on the driver
 * @param archiveName the SparkFiles name of the shipped archive, or {@code null} when not shipped
 * @param checksum    the expected checksum (weights SHA-256 for an encoder, {@link ModelFingerprint} for a Graft model)
 */
public record ModelSource(String reference, String archiveName, String checksum) implements Serializable {

    private static final Map<String, Path> PACKED = new ConcurrentHashMap<>();

    /** A bundled model, resolved from the jar on each executor. */
    public static ModelSource bundled(String name, String sha256) {
        return new ModelSource(name, null, sha256);
    }

    /**
     * Ships {@code dir} to the executors of {@code sc} (packed once per driver JVM and checksum) and returns its source.
     *
     * @param shipped false to rely on {@code dir} being readable at the same path on every executor
     */
    public static ModelSource directory(SparkContext sc, Path dir, String checksum, boolean shipped) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!shipped) {
            return new ModelSource(abs.toString(), null, checksum);
        }
        String archive = "graft-" + checksum.substring(0, 16) + "-" + abs.getFileName() + ".zip";
        Path zip = PACKED.computeIfAbsent(archive, a -> pack(abs, a));
        sc.addArchive(zip.toString()); // a repeated registration of the same path is ignored by Spark
        return new ModelSource(abs.toString(), archive, checksum);
    }

    /** The directory to read on this JVM: the unpacked archive when present, else the original path. */
    public Path localDirectory() {
        if (archiveName != null) {
            try {
                Path unpacked = Path.of(SparkFiles.get(archiveName));
                if (Files.isDirectory(unpacked)) {
                    return unpacked;
                }
            } catch (RuntimeException e) {
                // no SparkEnv here (e.g. a plain unit test): fall back to the original path
            }
        }
        return Path.of(reference);
    }

    private static Path pack(Path dir, String archiveName) {
        try {
            Path tmp = Files.createTempDirectory("graft-spark-ship");
            tmp.toFile().deleteOnExit();
            Path zip = tmp.resolve(archiveName);
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            AtomicFiles.writeAtomically(zip, (OutputStream raw) -> {
                ZipOutputStream out = new ZipOutputStream(raw);
                out.setLevel(Deflater.BEST_SPEED);
                for (Path f : files) {
                    String rel = dir.relativize(f).toString().replace('\\', '/');
                    if (rel.startsWith("report") || rel.startsWith("plots/")) {
                        continue; // not needed for prediction
                    }
                    out.putNextEntry(new ZipEntry(rel));
                    Files.copy(f, out);
                    out.closeEntry();
                }
                out.finish();
            });
            zip.toFile().deleteOnExit();
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot pack model " + dir + " for the executors: " + e.getMessage(), e);
        }
    }
}
