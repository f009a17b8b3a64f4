package dev.graft.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLflow file-store layout, file by file, and reading it back. */
class FileRunTrackerTest {

    @TempDir
    Path dir;

    private static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void writesMlflowFileStoreLayout() throws Exception {
        Path root = dir.resolve("mlruns");
        FileRunTracker tracker = new FileRunTracker(root);
        Path artifact = Files.writeString(dir.resolve("report.html"), "<html></html>");
        String runId;
        String expId;
        try (TrackedRun run = tracker.startRun("sentiment", "first-try", Map.of("mlflow.source.name", "graft train"))) {
            runId = run.runId();
            expId = run.experimentId();
            run.logParam("learning_rate", "0.01");
            run.logParam("head_hidden_units", "0");
            run.logParam("learning_rate", "0.01"); // same value again is fine
            assertThrows(IllegalArgumentException.class, () -> run.logParam("learning_rate", "0.1"));
            run.logMetric("val_loss", 0.5, 1, 1700000000000L);
            run.logMetric("val_loss", 0.25, 2, 1700000001000L);
            run.logMetric("lr", 1e-5, 1, 1700000000000L);
            run.logMetric("epochs_run", 3.0, 0, 1700000002000L);
            run.setTag("graft.model_license", "Apache-2.0");
            run.logArtifact(artifact, "model");
            assertThrows(IllegalArgumentException.class, () -> run.logMetric("bad name!", 1, 0));
            run.end(RunStatus.FINISHED);
        }
        assertTrue(runId.matches("[0-9a-f]{32}"), runId);
        assertTrue(expId.matches("[1-9][0-9]{14,17}"), expId);

        // store: Default experiment "0" and .trash
        assertTrue(Files.isDirectory(root.resolve(".trash")));
        Map<String, Object> def = MlflowFormat.loadYaml(read(root.resolve("0/meta.yaml")));
        assertEquals(Set.of("artifact_location", "creation_time", "experiment_id", "last_update_time", "lifecycle_stage", "name"),
                def.keySet());
        assertEquals("0", def.get("experiment_id"), "experiment_id is a string");
        assertEquals("Default", def.get("name"));
        assertEquals("active", def.get("lifecycle_stage"));
        assertEquals("file://" + root.toAbsolutePath().resolve("0"), def.get("artifact_location"));
        assertTrue(def.get("creation_time") instanceof Long || def.get("creation_time") instanceof Integer);
        String defText = read(root.resolve("0/meta.yaml"));
        assertTrue(defText.contains("experiment_id: '0'\n") && defText.startsWith("artifact_location: file:///"), defText);

        Map<String, Object> exp = MlflowFormat.loadYaml(read(root.resolve(expId).resolve("meta.yaml")));
        assertEquals("sentiment", exp.get("name"));
        assertEquals(expId, exp.get("experiment_id"));

        // run meta.yaml: sorted keys, integer status, string experiment id
        Path runDir = root.resolve(expId).resolve(runId);
        String metaText = read(runDir.resolve("meta.yaml"));
        List<String> keys = metaText.lines().map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertEquals(List.of("artifact_uri", "end_time", "entry_point_name", "experiment_id", "lifecycle_stage", "run_id",
                "run_name", "run_uuid", "source_name", "source_type", "source_version", "start_time", "status", "tags",
                "user_id"), keys, metaText);
        assertTrue(metaText.contains("status: 3\n"), metaText);
        assertTrue(metaText.contains("tags: []\n"), metaText);
        assertTrue(metaText.contains("entry_point_name: ''\n"), metaText);
        assertTrue(metaText.contains("source_type: 4\n"), metaText);
        assertTrue(metaText.contains("experiment_id: '" + expId + "'\n"), metaText);
        Map<String, Object> meta = MlflowFormat.loadYaml(metaText);
        assertEquals(runId, meta.get("run_id"));
        assertEquals(runId, meta.get("run_uuid"));
        assertEquals("first-try", meta.get("run_name"));
        assertEquals("file://" + runDir.toAbsolutePath().resolve("artifacts"), meta.get("artifact_uri"));
        assertTrue(((Number) meta.get("end_time")).longValue() >= ((Number) meta.get("start_time")).longValue());

        // params, metrics, tags: exact bytes
        assertEquals("0.01", read(runDir.resolve("params/learning_rate")));
        assertEquals("0", read(runDir.resolve("params/head_hidden_units")));
        assertEquals("1700000000000 0.5 1\n1700000001000 0.25 2\n", read(runDir.resolve("metrics/val_loss")));
        assertEquals("1700000000000 1e-05 1\n", read(runDir.resolve("metrics/lr")));
        assertEquals("1700000002000 3.0 0\n", read(runDir.resolve("metrics/epochs_run")));
        assertEquals("first-try", read(runDir.resolve("tags/mlflow.runName")));
        assertEquals("graft train", read(runDir.resolve("tags/mlflow.source.name")));
        assertEquals("Apache-2.0", read(runDir.resolve("tags/graft.model_license")));
        assertEquals("<html></html>", read(runDir.resolve("artifacts/model/report.html")));

        // read back
        StoredRun back = new FileStoreReader(root).run(runId.substring(0, 8));
        assertEquals(runId, back.runId());
        assertEquals("sentiment", back.experimentName());
        assertEquals(RunStatus.FINISHED, back.status());
        assertEquals(0.25, back.latest("val_loss").getAsDouble());
        assertEquals(2, back.metrics().get("val_loss").size());
        assertEquals(new MetricPoint(1700000000000L, 0.5, 1), back.metrics().get("val_loss").get(0));
        assertEquals(Map.of("learning_rate", "0.01", "head_hidden_units", "0"), back.params());
        assertEquals("Apache-2.0", back.tags().get("graft.model_license"));
        assertTrue(back.endTime().isPresent());
    }

    @Test
    void secondRunReusesTheExperimentAndAnUnendedRunIsFailed() throws Exception {
        Path root = dir.resolve("mlruns");
        FileRunTracker tracker = new FileRunTracker(root);
        String first;
        try (TrackedRun run = tracker.startRun(null, null, Map.of())) {
            first = run.experimentId();
            run.logMetric("x", 1, 0);
        } // not ended: FAILED
        try (TrackedRun run = tracker.startRun("", "b", Map.of())) {
            assertEquals(first, run.experimentId());
            run.end(RunStatus.FINISHED);
        }
        assertEquals("0", first, "no experiment name: the Default experiment");
        FileStoreReader reader = new FileStoreReader(root);
        assertEquals(Map.of("0", "Default"), reader.experiments());
        List<StoredRun> runs = reader.runs(null);
        assertEquals(2, runs.size());
        Set<RunStatus> states = new TreeSet<>(runs.stream().map(StoredRun::status).toList());
        assertEquals(Set.of(RunStatus.FAILED, RunStatus.FINISHED), states);
        StoredRun generated = runs.stream().filter(r -> r.status() == RunStatus.FAILED).findFirst().orElseThrow();
        assertTrue(generated.runName().matches("[a-z]+-[a-z]+-\\d+"), generated.runName());
        assertThrows(IllegalArgumentException.class, () -> reader.run("zzzz"));
    }

    @Test
    void readsMetaWrittenByMlflowItself() throws Exception {
        // As written by MLflow 2.x (PyYAML): an older run without run_name and with a 2-field metric line.
        Path root = dir.resolve("mlruns");
        Path exp = Files.createDirectories(root.resolve("0"));
        Files.writeString(exp.resolve("meta.yaml"), "artifact_location: file:///tmp/mlruns/0\ncreation_time: 1721450907000\n"
                + "experiment_id: '0'\nlast_update_time: 1721450907000\nlifecycle_stage: active\nname: Default\n");
        Path run = Files.createDirectories(exp.resolve("1c6b2d5b909041df93e6e00b960de019"));
        Files.writeString(run.resolve("meta.yaml"), """
                artifact_uri: file:///tmp/mlruns/0/1c6b2d5b909041df93e6e00b960de019/artifacts
                end_time: 1721450907230
                entry_point_name: ''
                experiment_id: '0'
                lifecycle_stage: active
                run_id: 1c6b2d5b909041df93e6e00b960de019
                run_name: wistful-ant-659
                run_uuid: 1c6b2d5b909041df93e6e00b960de019
                source_name: ''
                source_type: 4
                source_version: ''
                start_time: 1721450907221
                status: 4
                tags: []
                user_id: someone
                """);
        Files.createDirectories(run.resolve("metrics"));
        Files.writeString(run.resolve("metrics/acc"), "1721450907225 0.75\n1721450907226 0.8 1\n");
        StoredRun r = new FileStoreReader(root).run("1c6b2d5b");
        assertEquals("wistful-ant-659", r.runName());
        assertEquals(RunStatus.FAILED, r.status());
        assertEquals(0.8, r.latest("acc").getAsDouble());
        assertEquals(0, r.metrics().get("acc").get(0).step());
        assertFalse(r.durationSeconds().isEmpty());
    }

    @Test
    void pythonFloatText() {
        Map<Double, String> cases = new LinkedHashMap<>();
        cases.put(0.5, "0.5");
        cases.put(3.0, "3.0");
        cases.put(1e-5, "1e-05");
        cases.put(1.5e-5, "1.5e-05");
        cases.put(0.0001, "0.0001");
        cases.put(0.01, "0.01");
        cases.put(123456.789, "123456.789");
        cases.put(1e16, "1e+16");
        cases.put(1.5e16, "1.5e+16");
        cases.put(1e15, "1000000000000000.0");
        cases.put(-2.5, "-2.5");
        cases.put(0.0, "0.0");
        cases.put(Double.NaN, "nan");
        cases.put(Double.POSITIVE_INFINITY, "inf");
        cases.forEach((v, s) -> assertEquals(s, MlflowFormat.pythonFloat(v), () -> "for " + v));
        assertEquals(0.1 + 0.2, Double.parseDouble(MlflowFormat.pythonFloat(0.1 + 0.2)));
    }
}
