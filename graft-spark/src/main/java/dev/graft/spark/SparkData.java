package dev.graft.spark;

import dev.graft.data.ColumnRef;
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
 * directory). Columns are found like {@code graft train} finds them: by the usual names or as given.
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
        data.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(out);
    }

    private static String extension(String path) {
        String file = path.replaceAll("/+$", "");
        file = file.substring(file.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        return dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
