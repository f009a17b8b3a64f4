package dev.graft.spark;

import dev.graft.data.ColumnRef;
import dev.graft.data.image.ImageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Reading inputs and writing outputs for the {@code spark-*} commands with Spark's own readers (so a large
 * input is read in parallel): CSV (header row, RFC-4180 quotes, quoted fields may span lines), TSV (header row,
 * one record per line, a field may be enclosed in double quotes), JSON Lines, and Parquet (a file or a
 * directory), and a local folder of images (one row per image file, column {@code path}). Columns are found like
 * {@code graft train} finds them: by the usual names or as given.
 *
 * <p>Graft's own CSV/TSV reader is more lenient with malformed quotes (it keeps, for example, an SMS message
 * that merely begins with a quote as written); Spark's CSV parser may split such a rare line differently.
 */
public final class SparkData {

    /** Input formats. */
    public enum Format { CSV, TSV, JSONL, PARQUET }

    private SparkData() {
    }

    /**
     * The format named by {@code explicit}, else by the path's extension; a directory without one is Parquet,
     * and so is a local file without one that starts with Parquet's magic bytes (any other is refused).
     */
    public static Format format(String path, String explicit) {
        String name = explicit != null ? explicit.toLowerCase(Locale.ROOT) : extension(path);
        if (name.isEmpty() && !isParquetOrRemote(path)) {
            throw new IllegalArgumentException("Cannot tell the format of " + path + ": it has no extension and is not a Parquet"
                    + " file; pass --format csv|tsv|jsonl.");
        }
        return switch (name) {
            case "csv" -> Format.CSV;
            case "tsv", "tab", "txt" -> Format.TSV;
            case "jsonl", "ndjson", "json" -> Format.JSONL;
            case "parquet", "" -> Format.PARQUET;
            default -> throw new IllegalArgumentException("Cannot tell the format of " + path + " from '" + name
                    + "'; pass --format csv|tsv|jsonl|parquet.");
        };
    }

    /** Whether {@code path} is a directory, not on the local file system, or a local file that starts with "PAR1". */
    private static boolean isParquetOrRemote(String path) {
        java.nio.file.Path p;
        try {
            p = path.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(path)) : java.nio.file.Path.of(path);
        } catch (RuntimeException e) {
            return true;
        }
        if (path.contains("://") && !path.startsWith("file:") || !java.nio.file.Files.isRegularFile(p)) {
            return true;
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(p)) {
            return java.util.Arrays.equals(in.readNBytes(4), "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /**
     * Whether {@code path} is a local folder of images: a directory holding at least one image file
     * ({@link ImageDecoder#EXTENSIONS}, searched recursively) and no Parquet file.
     */
    public static boolean isImageFolder(String path) {
        Path dir;
        try {
            dir = Path.of(path);
        } catch (RuntimeException e) {
            return false;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            boolean[] seen = new boolean[2]; // image, parquet
            walk.filter(Files::isRegularFile).forEach(f -> {
                seen[0] |= ImageDecoder.hasImageExtension(f);
                seen[1] |= f.getFileName().toString().endsWith(".parquet");
            });
            return seen[0] && !seen[1];
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("Cannot list " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The image files under {@code dir} (recursively, by extension, sorted) as rows with one string column
     * {@code path} holding each file's absolute path.
     */
    public static Dataset<Row> imageFolder(SparkSession spark, String dir) {
        List<Row> rows;
        try (Stream<Path> walk = Files.walk(Path.of(dir))) {
            rows = walk.filter(f -> Files.isRegularFile(f) && ImageDecoder.hasImageExtension(f))
                    .map(f -> f.toAbsolutePath().normalize().toString()).sorted().map(p -> (Row) RowFactory.create(p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
        StructType schema = new StructType().add(IMAGE_FOLDER_COLUMN, DataTypes.StringType, false);
        return spark.createDataFrame(rows, schema);
    }

    /** The column of {@link #imageFolder}. */
    public static final String IMAGE_FOLDER_COLUMN = "path";

    /**
     * {@code data} with the relative paths of its string column {@code column} resolved against {@code base} (the
     * folder of a CSV/TSV/JSONL file, as {@code graft train} resolves a CSV's image paths); absolute paths and URIs
     * ({@code file:}, {@code hdfs://}, ...) are kept, and so is a binary column.
     */
    public static Dataset<Row> resolveImagePaths(Dataset<Row> data, String column, Path base) {
        if (!data.schema().apply(column).dataType().equals(DataTypes.StringType)) {
            return data;
        }
        Column c = functions.col(column);
        String prefix = base.toAbsolutePath().normalize().toString().replace('\\', '/') + "/";
        return data.withColumn(column, functions.when(c.isNull().or(c.rlike("^(/|[A-Za-z][A-Za-z0-9+.-]*:)")), c)
                .otherwise(functions.concat(functions.lit(prefix), c)));
    }

    /** Reads {@code path} as {@code format}. */
    public static Dataset<Row> read(SparkSession spark, String path, Format format) {
        return switch (format) {
            case CSV -> spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"")
                    .option("mode", "PERMISSIVE").csv(path);
            case TSV -> spark.read().option("header", "true").option("sep", "\t").option("escape", "\"")
                    .option("mode", "PERMISSIVE").csv(path);
            case JSONL -> spark.read().json(path);
            case PARQUET -> spark.read().parquet(path);
        };
    }

    /** The text column: {@code explicit} (a name or 0-based index) or the first of the usual names. */
    public static String textColumn(Dataset<Row> data, String explicit) {
        return column(data, explicit, ColumnRef.KNOWN_TEXT_NAMES, "text", "--text-column");
    }

    /** The image column: {@code explicit} (a name or 0-based index), else {@code path}, {@code image}, {@code file} or {@code content}. */
    public static String imageColumn(Dataset<Row> data, String explicit) {
        return column(data, explicit, List.of("path", "image", "file", "filename", "content"), "image", "--image-column");
    }

    /** The label column: {@code explicit} (a name or 0-based index) or the first of the usual names. */
    public static String labelColumn(Dataset<Row> data, String explicit) {
        return column(data, explicit, ColumnRef.KNOWN_LABEL_NAMES, "label", "--label-column");
    }

    private static String column(Dataset<Row> data, String explicit, List<String> known, String what, String flag) {
        String[] names = data.columns();
        if (explicit != null) {
            if (explicit.matches("\\d+")) {
                int i = Integer.parseInt(explicit);
                if (i < names.length) {
                    return names[i];
                }
            }
            for (String n : names) {
                if (n.equals(explicit) || n.equalsIgnoreCase(explicit)) {
                    return n;
                }
            }
            throw new IllegalArgumentException("There is no " + what + " column '" + explicit + "'; columns: " + String.join(", ", names) + ".");
        }
        for (String k : known) {
            for (String n : names) {
                if (n.equalsIgnoreCase(k)) {
                    return n;
                }
            }
        }
        throw new IllegalArgumentException("Cannot find the " + what + " column among " + Arrays.toString(names) + "; name it with "
                + flag + " (a column name or 0-based index).");
    }

    /**
     * Writes Parquet with Spark's normal commit protocol: tasks write to attempt directories that are committed
     * only when the task succeeds, so a task retried after a lost executor leaves no duplicate rows.
     */
    public static void writeParquet(Dataset<Row> data, String out, boolean overwrite) {
        if (overwrite) {
            checkReplaceableOutput(out);
        }
        data.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(out);
    }

    /** Names of what Spark's Parquet writer leaves in an output folder. */
    private static final java.util.regex.Pattern SPARK_OUTPUT = java.util.regex.Pattern.compile(
            "part-.*|_SUCCESS|_committed_.*|_started_.*|\\..*\\.crc|_temporary");

    /**
     * Spark's overwrite deletes the whole output folder: on a local path, allow it only for a folder that holds
     * nothing but an earlier Parquet output, so a mistyped output path never deletes the user's files.
     */
    static void checkReplaceableOutput(String out) {
        java.net.URI uri = java.net.URI.create(out.replace(" ", "%20"));
        if (uri.getScheme() != null && !uri.getScheme().equals("file") && uri.getScheme().length() > 1) {
            return; // a cluster file system: Spark's own rules apply
        }
        Path dir = uri.getScheme() != null && uri.getScheme().equals("file") ? Path.of(uri) : Path.of(out);
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Output " + dir + " is a file, not an earlier Parquet output; Graft never deletes"
                    + " files it did not write. Name another output.");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            var foreign = entries.map(p -> p.getFileName().toString()).filter(n -> !SPARK_OUTPUT.matcher(n).matches()).limit(3).toList();
            if (!foreign.isEmpty()) {
                throw new IllegalArgumentException("Output " + dir + " holds files that are not Parquet output (" + String.join(", ", foreign)
                        + "); replacing it would delete them. Name another output; Graft never deletes files it did not write.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot inspect the output " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String extension(String path) {
        String file = path.replaceAll("/+$", "");
        file = file.substring(file.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        return dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
