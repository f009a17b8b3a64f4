package dev.graft.strategy;

import dev.graft.artifact.Provenance;
import dev.graft.artifact.Versions;
import dev.graft.data.DatasetSplits;
import dev.graft.data.LabelMap;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.data.TaskKind;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.training.Inference;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What every strategy records about a run, and the small data helpers they share. */
final class RunProvenance {

    private RunProvenance() {
    }

    /** What is known of a run before it is scored: completed by {@link #of} once the metrics are in. */
    record Draft(String strategy, long seed, Map<String, Object> settings, TextModelSpec backbone) {
        Provenance complete(DatasetSplits splits, TaskMetrics val, Optional<TaskMetrics> test) {
            return of(strategy, seed, settings, backbone, splits, val, test);
        }
    }

    static Draft partial(String strategy, long seed, Map<String, Object> settings, TextModelSpec backbone, DatasetSplits splits) {
        return new Draft(strategy, seed, settings, backbone);
    }

    static Provenance of(String strategy, long seed, Map<String, Object> settings, TextModelSpec backbone, DatasetSplits splits,
                         TaskMetrics val, Optional<? extends TaskMetrics> test) {
        Map<String, Provenance.DataFingerprint> data = new LinkedHashMap<>();
        data.put("train", fingerprint(splits.train()));
        data.put("val", fingerprint(splits.val()));
        splits.test().ifPresent(t -> data.put("test", fingerprint(t)));
        Map<String, String> bb = new LinkedHashMap<>();
        bb.put("id", backbone.id());
        bb.put("sha256", backbone.sha256());
        bb.put("license", backbone.license());
        bb.put("source", backbone.source());
        return new Provenance(Instant.now().toString(), strategy, seed, settings, data, bb, Versions.all(),
                metrics(splits.task(), val, test), List.of());
    }

    /**
     * The figures provenance records, texts or images: a classifier's validation (and test) accuracy and macro-F1; for
     * another task its kind and every figure of its metrics.
     */
    static Map<String, Object> metrics(TaskKind task, TaskMetrics val, Optional<? extends TaskMetrics> test) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (val instanceof ClassificationMetrics c) {
            metrics.put("val_accuracy", c.accuracy());
            metrics.put("val_macro_f1", c.macroF1());
            test.ifPresent(t -> {
                metrics.put("test_accuracy", t.value("accuracy"));
                metrics.put("test_macro_f1", t.value("macro_f1"));
            });
        } else {
            metrics.put("task", task.key());
            val.values().forEach((k, v) -> metrics.put("val_" + k, v));
            test.ifPresent(t -> t.values().forEach((k, v) -> metrics.put("test_" + k, v)));
        }
        return metrics;
    }

    static Provenance.DataFingerprint fingerprint(TextDataset d) {
        var src = d.source();
        return new Provenance.DataFingerprint(src.path() == null ? null : src.path().toAbsolutePath().toString(),
                src.fileSha256(), d.sha256(), d.size(), d.task() == TaskKind.REGRESSION ? Map.of() : LabelMap.classCounts(d));
    }

    static List<String> texts(TextDataset d) {
        return d.examples().stream().map(TextExample::text).toList();
    }

    /** The second text of every pair of {@code d}. */
    static List<String> pairs(TextDataset d) {
        return d.examples().stream().map(TextExample::textPair).toList();
    }

    static int[] indices(TextDataset d, LabelMap labels) {
        return d.examples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
    }

    /** Metrics of probability rows against a data set's labels. */
    static ClassificationMetrics score(float[][] probs, TextDataset data, LabelMap labels) {
        int[] pred = new int[probs.length];
        for (int i = 0; i < probs.length; i++) {
            pred[i] = Inference.argmax(probs[i]);
        }
        return ClassificationMetrics.of(indices(data, labels), pred, labels.labels());
    }
}
