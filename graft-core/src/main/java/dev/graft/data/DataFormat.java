package dev.graft.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The file formats the data layer reads. */
public enum DataFormat {
    /** Comma-separated values (RFC 4180 quoting). */
    CSV,
    /** Tab-separated values; double quotes may enclose fields, including multi-line ones. */
    TSV,
    /** JSON Lines: one JSON object per line. */
    JSONL;

    /**
     * The format implied by a file's extension: {@code .csv} → CSV; {@code .tsv}, {@code .tab},
     * {@code .txt} → TSV; {@code .jsonl}, {@code .ndjson} → JSONL (case-insensitive).
     *
     * @return the format, or empty when the extension is missing or unknown
     */
    public static Optional<DataFormat> fromExtension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        return switch (name.substring(dot + 1).toLowerCase(Locale.ROOT)) {
            case "csv" -> Optional.of(CSV);
            case "tsv", "tab", "txt" -> Optional.of(TSV);
            case "jsonl", "ndjson" -> Optional.of(JSONL);
            default -> Optional.empty();
        };
    }

    /**
     * Parses a user-given format name ({@code csv}, {@code tsv}, {@code jsonl}; also {@code tab},
     * {@code ndjson}), case-insensitively.
     *
     * @throws DataException for an unknown name
     */
    public static DataFormat parse(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "tsv", "tab" -> TSV;
            case "jsonl", "ndjson", "json" -> JSONL;
            default -> throw new DataException("Unknown data format '" + name
                    + "'. Use one of: csv, tsv, jsonl.");
        };
    }
}
