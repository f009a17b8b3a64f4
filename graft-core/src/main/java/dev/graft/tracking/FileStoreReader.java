package dev.graft.tracking;

import dev.graft.util.Arguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads runs from an MLflow file store (written by {@link FileRunTracker}, or by MLflow itself). */
public final class FileStoreReader {

    private final Path root;

    /** A reader of the store at {@code root}. */
    public FileStoreReader(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Active experiments, id to name, sorted by id. */
    public Map<String, String> experiments() {
        Map<String, String> result = new TreeMap<>(Comparator.comparing((String s) -> s.length()).thenComparing(s -> s));
        if (!Files.isDirectory(root)) {
            return result;
        }
        for (Path dir : list(root)) {
            Path meta = dir.resolve(FileRunTracker.META);
            if (!Files.isDirectory(dir) || dir.getFileName().toString().equals(FileRunTracker.TRASH) || !Files.isRegularFile(meta)) {
                continue;
            }
            Map<String, Object> m = yaml(meta);
            if ("active".equals(String.valueOf(m.getOrDefault("lifecycle_stage", "active")))) {
                result.put(dir.getFileName().toString(), String.valueOf(m.get("name")));
            }
        }
        return result;
    }

    /**
     * Active runs, newest first.
     *
     * @param experimentName only this experiment's runs; null for all experiments
     */
    public List<StoredRun> runs(String experimentName) {
        List<StoredRun> runs = new ArrayList<>();
        for (Map.Entry<String, String> e : experiments().entrySet()) {
            if (experimentName != null && !experimentName.equals(e.getValue())) {
                continue;
            }
            for (Path dir : list(root.resolve(e.getKey()))) {
                String name = dir.getFileName().toString();
                if (Files.isDirectory(dir) && !FileRunTracker.RESERVED_EXPERIMENT_FOLDERS.contains(name)
                        && Files.isRegularFile(dir.resolve(FileRunTracker.META))) {
                    StoredRun run = read(dir, e.getKey(), e.getValue());
                    if (run != null) {
                        runs.add(run);
                    }
                }
            }
        }
        runs.sort(Comparator.comparingLong(StoredRun::startTime).reversed().thenComparing(StoredRun::runId));
        return runs;
    }

    /**
     * The run whose id is {@code idOrPrefix} or, failing that, the only run whose id starts with it.
     *
     * @throws IllegalArgumentException when no run or several runs match
     */
    public StoredRun run(String idOrPrefix) {
        List<StoredRun> all = runs(null);
        for (StoredRun r : all) {
            if (r.runId().equals(idOrPrefix)) {
                return r;
            }
        }
        List<StoredRun> matches = all.stream().filter(r -> r.runId().startsWith(idOrPrefix)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("No run '" + idOrPrefix + "' in " + root
                    + ". List the runs there (" + Arguments.name("FileStoreReader.runs") + ") or pass another " + Arguments.name("trackingDir") + ".");
        }
        throw new IllegalArgumentException("Run id prefix '" + idOrPrefix + "' matches " + matches.size()
                + " runs; give more characters.");
    }

    private StoredRun read(Path dir, String experimentId, String experimentName) {
        Map<String, Object> meta = yaml(dir.resolve(FileRunTracker.META));
        if (!"active".equals(String.valueOf(meta.getOrDefault("lifecycle_stage", "active")))) {
            return null;
        }
        String runId = String.valueOf(meta.getOrDefault("run_id", meta.get("run_uuid")));
        Map<String, String> tags = files(dir.resolve("tags"));
        Object name = meta.get("run_name");
        String runName = name == null || name.toString().isEmpty() ? tags.getOrDefault("mlflow.runName", "") : name.toString();
        Object status = meta.get("status");
        Object end = meta.get("end_time");
        Map<String, List<MetricPoint>> metrics = new TreeMap<>();
        for (Map.Entry<String, String> m : files(dir.resolve("metrics")).entrySet()) {
            metrics.put(m.getKey(), parseMetric(m.getKey(), m.getValue()));
        }
        return new StoredRun(experimentId, experimentName, runId, runName,
                status == null ? RunStatus.RUNNING : RunStatus.ofCode(((Number) status).intValue()),
                ((Number) meta.getOrDefault("start_time", 0L)).longValue(),
                end == null ? Optional.empty() : Optional.of(((Number) end).longValue()),
                String.valueOf(meta.get("artifact_uri")), String.valueOf(meta.getOrDefault("user_id", "")),
                files(dir.resolve("params")), tags, metrics);
    }

    /** Parses a metric file: lines {@code <timestamp> <value> [<step>]}. */
    static List<MetricPoint> parseMetric(String key, String text) {
        List<MetricPoint> points = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.strip().split(" ");
            if (parts.length != 2 && parts.length != 3) {
                throw new IllegalArgumentException("Metric '" + key + "' is malformed: '" + line + "'");
            }
            points.add(new MetricPoint(Long.parseLong(parts[0]), parsePythonFloat(parts[1]),
                    parts.length == 3 ? Long.parseLong(parts[2]) : 0));
        }
        return points;
    }

    static double parsePythonFloat(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** Every file below {@code dir}, relative name (with '/') to content, sorted; empty when absent. */
    private static Map<String, String> files(Path dir) {
        Map<String, String> result = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String name = dir.relativize(p).toString().replace('\\', '/');
                if (!name.startsWith(".")) { // skip a writer's temporary files
                    result.put(name, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + dir + ": " + e.getMessage(), e);
        }
        return result;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> yaml(Path file) {
        try {
            return new LinkedHashMap<>(MlflowFormat.loadYaml(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
