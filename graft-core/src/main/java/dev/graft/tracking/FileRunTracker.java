package dev.graft.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Records runs in MLflow's file-store layout, which {@code mlflow ui --backend-store-uri ./mlruns} and
 * {@code MlflowClient} read:
 *
 * <pre>
 * mlruns/
 *   .trash/
 *   0/meta.yaml                       the "Default" experiment
 *   &lt;experiment_id&gt;/meta.yaml          artifact_location, creation_time, experiment_id, last_update_time,
 *                                     lifecycle_stage, name
 *   &lt;experiment_id&gt;/&lt;run_id&gt;/
 *     meta.yaml                       run info; status as an integer (1 RUNNING, 3 FINISHED, 4 FAILED)
 *     params/&lt;key&gt;                    the raw value, no newline
 *     metrics/&lt;key&gt;                   one line per value: "&lt;timestamp_ms&gt; &lt;value&gt; &lt;step&gt;"
 *     tags/&lt;key&gt;                      the raw value, no newline
 *     artifacts/                      copied files
 * </pre>
 *
 * Runs may be recorded by several processes at once; each run writes only below its own directory, and experiment
 * creation is guarded against a concurrent creator of the same name only within one process.
 */
public final class FileRunTracker implements RunTracker {

    static final String META = "meta.yaml";
    static final String TRASH = ".trash";
    static final String DEFAULT_EXPERIMENT_ID = "0";
    /** Folders of an experiment directory that are not runs. */
    static final List<String> RESERVED_EXPERIMENT_FOLDERS = List.of("tags", "datasets", "traces");

    private final Path root;

    /** A file store rooted at {@code root}; it is created (with the Default experiment) on first use. */
    public FileRunTracker(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The store's root directory. */
    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public TrackedRun startRun(String experimentName, String runName, Map<String, String> tags) {
        try {
            String experimentId = ensureExperiment(experimentName == null || experimentName.isBlank()
                    ? DEFAULT_EXPERIMENT : experimentName.strip());
            Map<String, Object> experiment = MlflowFormat.loadYaml(
                    Files.readString(root.resolve(experimentId).resolve(META), StandardCharsets.UTF_8));
            String runId = MlflowFormat.newRunId();
            String name = runName == null || runName.isBlank() ? MlflowFormat.randomRunName() : runName;
            Path runDir = root.resolve(experimentId).resolve(runId);
            Files.createDirectory(runDir);
            Files.createDirectory(runDir.resolve("metrics"));
            Files.createDirectory(runDir.resolve("params"));
            Files.createDirectory(runDir.resolve("artifacts"));
            String artifactUri = stripSlash(String.valueOf(experiment.get("artifact_location"))) + "/" + runId + "/artifacts";
            FileTrackedRun run = new FileTrackedRun(runDir, experimentId, runId, name, artifactUri,
                    System.currentTimeMillis(), System.getProperty("user.name", ""));
            run.writeMeta(RunStatus.RUNNING, null, true);
            Map<String, String> all = new LinkedHashMap<>();
            all.put("mlflow.runName", name);
            all.putAll(tags);
            run.setTags(all);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record the run in " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * The id of the active experiment called {@code name}, created if absent; the store itself (root, {@code .trash},
     * Default experiment "0") is created first if needed.
     */
    public synchronized String ensureExperiment(String name) throws IOException {
        ensureStore();
        String found = findExperiment(name);
        if (found != null) {
            return found;
        }
        String id = MlflowFormat.newExperimentId();
        createExperiment(id, name);
        return id;
    }

    /** The id of the active experiment called {@code name}, or null. */
    String findExperiment(String name) throws IOException {
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path meta = dir.resolve(META);
                if (dir.getFileName().toString().equals(TRASH) || !Files.isRegularFile(meta)) {
                    continue;
                }
                Map<String, Object> m = MlflowFormat.loadYaml(Files.readString(meta, StandardCharsets.UTF_8));
                if (name.equals(String.valueOf(m.get("name"))) && "active".equals(String.valueOf(m.get("lifecycle_stage")))) {
                    return dir.getFileName().toString();
                }
            }
        }
        return null;
    }

    private void ensureStore() throws IOException {
        Files.createDirectories(root);
        if (!Files.exists(root.resolve(DEFAULT_EXPERIMENT_ID).resolve(META))) {
            createExperiment(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT);
        }
        Files.createDirectories(root.resolve(TRASH));
    }

    private void createExperiment(String id, String name) throws IOException {
        Path dir = root.resolve(id);
        Files.createDirectories(dir);
        long now = System.currentTimeMillis();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("artifact_location", MlflowFormat.fileUri(dir));
        meta.put("creation_time", now);
        meta.put("experiment_id", id);
        meta.put("last_update_time", now);
        meta.put("lifecycle_stage", "active");
        meta.put("name", name);
        if (!Files.exists(dir.resolve(META))) { // another process may have created it first; keep theirs
            MlflowFormat.replaceFile(dir.resolve(META), MlflowFormat.dumpYaml(meta));
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A run recorded under {@code <root>/<experiment>/<run>/}. */
    static final class FileTrackedRun implements TrackedRun {
        private final Path dir;
        private final String experimentId;
        private final String runId;
        private final String runName;
        private final String artifactUri;
        private final long startTime;
        private final String userId;
        private boolean ended;

        FileTrackedRun(Path dir, String experimentId, String runId, String runName, String artifactUri, long startTime,
                       String userId) {
            this.dir = dir;
            this.experimentId = experimentId;
            this.runId = runId;
            this.runName = runName;
            this.artifactUri = artifactUri;
            this.startTime = startTime;
            this.userId = userId;
        }

        @Override
        public String runId() {
            return runId;
        }

        @Override
        public String experimentId() {
            return experimentId;
        }

        /** The run's directory. */
        Path dir() {
            return dir;
        }

        @Override
        public synchronized void logParam(String key, String value) {
            MlflowFormat.checkName("param", key);
            Path p = dir.resolve("params").resolve(key);
            String v = value == null ? "" : value;
            try {
                if (Files.exists(p) && !Files.readString(p, StandardCharsets.UTF_8).equals(v)) {
                    throw new IllegalArgumentException("Changing param values is not allowed: '" + key
                            + "' was already logged with another value for run " + runId);
                }
                Files.createDirectories(p.getParent());
                Files.writeString(p, v, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write param " + p + ": " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void logMetric(String key, double value, long step, long timestampMillis) {
            MlflowFormat.checkName("metric", key);
            Path p = dir.resolve("metrics").resolve(key);
            String line = timestampMillis + " " + MlflowFormat.pythonFloat(value) + " " + step + "\n";
            try {
                Files.createDirectories(p.getParent());
                Files.writeString(p, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write metric " + p + ": " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void setTag(String key, String value) {
            MlflowFormat.checkName("tag", key);
            Path p = dir.resolve("tags").resolve(key);
            try {
                Files.createDirectories(p.getParent());
                Files.writeString(p, value == null ? "" : value, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write tag " + p + ": " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void logArtifact(Path source, String artifactPath) throws IOException {
            Path base = artifactDir();
            Path targetDir = artifactPath == null || artifactPath.isBlank() ? base : base.resolve(artifactPath).normalize();
            if (!targetDir.startsWith(base)) {
                throw new IllegalArgumentException("artifact path '" + artifactPath + "' leaves the run's artifact directory");
            }
            Files.createDirectories(targetDir);
            Path src = source.toAbsolutePath().normalize();
            Path target = targetDir.resolve(src.getFileName().toString());
            if (Files.isDirectory(src)) {
                try (Stream<Path> walk = Files.walk(src)) {
                    for (Path p : walk.toList()) {
                        Path t = target.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(src, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        /** The local directory behind the run's artifact URI (the run's {@code artifacts/} by default). */
        Path artifactDir() {
            if (artifactUri.startsWith("file:")) {
                return Path.of(URI.create(artifactUri));
            }
            return dir.resolve("artifacts");
        }

        @Override
        public synchronized void end(RunStatus status) {
            if (status == RunStatus.RUNNING || status == RunStatus.SCHEDULED) {
                throw new IllegalArgumentException("a run ends FINISHED, FAILED or KILLED, not " + status);
            }
            try {
                writeMeta(status, System.currentTimeMillis(), false);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot update " + dir.resolve(META) + ": " + e.getMessage(), e);
            }
            ended = true;
        }

        @Override
        public synchronized boolean ended() {
            return ended;
        }

        /** Writes meta.yaml with the fields MLflow's file store persists (keys sorted by the YAML writer). */
        void writeMeta(RunStatus status, Long endTime, boolean creating) throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("artifact_uri", artifactUri);
            m.put("end_time", endTime);
            m.put("entry_point_name", "");
            m.put("experiment_id", experimentId);
            m.put("lifecycle_stage", "active");
            m.put("run_id", runId);
            m.put("run_name", runName);
            m.put("run_uuid", runId);
            m.put("source_name", "");
            m.put("source_type", 4); // SourceType.LOCAL
            m.put("source_version", "");
            m.put("start_time", startTime);
            m.put("status", status.code());
            m.put("tags", List.of());
            m.put("user_id", userId);
            if (creating) {
                m.put("deleted_time", null);
            }
            MlflowFormat.replaceFile(dir.resolve(META), MlflowFormat.dumpYaml(m));
        }
    }
}
