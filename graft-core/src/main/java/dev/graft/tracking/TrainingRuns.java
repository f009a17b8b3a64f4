package dev.graft.tracking;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.artifact.TextClassifier;
import dev.graft.metrics.TaskMetrics;
import dev.graft.strategy.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What Graft records about a training run, beyond the per-epoch metrics of {@link TrackingListener}. */
public final class TrainingRuns {

    /** Files of a model directory copied into the run's artefacts (the encoder is left out: it is large and shared). */
    public static final List<String> MODEL_ARTIFACTS = List.of(ModelDirectory.MANIFEST, TextClassifier.HEAD_FILE,
            TextClassifier.METRICS_FILE, TextClassifier.PROVENANCE_FILE, dev.graft.data.image.PreprocessorConfig.FILE, "report.html", "plots");

    private TrainingRuns() {
    }

    /** Settings as MLflow params: nested maps flattened with '.', names made MLflow-safe, values as text. */
    public static Map<String, String> params(Map<String, ?> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", settings, out);
        return out;
    }

    private static void flatten(String prefix, Map<String, ?> m, Map<String, String> out) {
        for (Map.Entry<String, ?> e : m.entrySet()) {
            String key = MlflowFormat.sanitizeName(prefix + e.getKey());
            if (e.getValue() instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> n = (Map<String, ?>) nested;
                flatten(key + ".", n, out);
            } else {
                out.put(key, e.getValue() == null ? "" : String.valueOf(e.getValue()));
            }
        }
    }

    /**
     * Provenance as tags: {@code graft.version} (the code version) and the library versions, the backbone's id,
     * checksum and licence, every data split's file and content SHA-256 and size, the seed and the command line.
     */
    public static Map<String, String> provenanceTags(Provenance p) {
        Map<String, String> t = new LinkedHashMap<>();
        p.versions().forEach((k, v) -> t.put("graft.versions." + MlflowFormat.sanitizeName(k), v));
        t.put("graft.version", p.versions().getOrDefault("graft", "unknown"));
        p.backbone().forEach((k, v) -> t.put("graft.backbone." + MlflowFormat.sanitizeName(k), v == null ? "" : v));
        t.put("graft.model_license", p.backbone().getOrDefault("license", "unknown"));
        t.put("graft.strategy", p.strategy());
        t.put("graft.seed", Long.toString(p.seed()));
        p.data().forEach((split, d) -> {
            String s = "graft.data." + MlflowFormat.sanitizeName(split) + ".";
            if (d.path() != null) {
                t.put(s + "path", d.path());
            }
            if (d.fileSha256() != null) {
                t.put(s + "file_sha256", d.fileSha256());
            }
            t.put(s + "sha256", d.contentSha256());
            t.put(s + "rows", Integer.toString(d.rows()));
        });
        if (!p.commandLine().isEmpty()) {
            t.put("graft.command_line", String.join(" ", p.commandLine()));
        }
        t.put("graft.created_at", p.createdAt());
        return t;
    }

    /**
     * Summary metrics of a finished training (text or image): the kept model's validation (and test) scores, timing and peak memory.
     *
     * @param totalSeconds wall time of the whole command
     * @param memory       the peak memory measured at the end
     */
    public static Map<String, Double> summaryMetrics(RunResult outcome, double totalSeconds, PeakMemory memory) {
        Map<String, Double> m = new LinkedHashMap<>();
        scores("best_val_", outcome.validation(), m);
        outcome.test().ifPresent(t -> scores("test_", t, m));
        m.put("embed_seconds", outcome.embedSeconds());
        m.put("train_seconds", outcome.fit().seconds());
        m.put("total_seconds", totalSeconds);
        m.put("peak_memory_mb", memory.mebibytes());
        return m;
    }

    private static void scores(String prefix, TaskMetrics c, Map<String, Double> m) {
        c.values().forEach((k, v) -> m.put(prefix + k, v));
    }

    /** Copies the small files of a saved model directory ({@link #MODEL_ARTIFACTS}) into the run under {@code model/}. */
    public static void logModelArtifacts(TrackedRun run, Path modelDir) throws IOException {
        for (String name : MODEL_ARTIFACTS) {
            Path p = modelDir.resolve(name);
            if (Files.exists(p)) {
                run.logArtifact(p, "model");
            }
        }
    }
}
