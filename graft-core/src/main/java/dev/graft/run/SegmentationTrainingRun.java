package dev.graft.run;

import dev.graft.artifact.Provenance;
import dev.graft.metrics.TaskMetrics;
import dev.graft.selection.SegmentationRun;
import dev.graft.strategy.RunResult;
import dev.graft.strategy.segmentation.SegmentationOutcome;
import dev.graft.strategy.segmentation.SegmentationTraining;
import dev.graft.training.FitResult;
import dev.graft.training.TrainingListener;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A segmentation run ({@link SegmentationRun}) recorded like {@code graft train}'s other runs ({@link RunRecorder}): the
 * settings as params at the start, per-epoch metrics ({@code val_mean_iou}, {@code val_foreground_dice}, ...), the kept
 * model's validation and test figures, the random-init baseline's as {@code random_init_*}, and the model's small files
 * with {@code report.html} as artefacts. A failed run is marked FAILED.
 */
public final class SegmentationTrainingRun {

    private SegmentationTrainingRun() {
    }

    /**
     * What the run produced and where it was recorded.
     *
     * @param result   the segmentation run
     * @param runId    the recorded run's id, empty when nothing was recorded
     * @param location where runs are recorded, or {@code null}
     */
    public record Tracked(SegmentationRun.Result result, Optional<String> runId, String location) {
    }

    /** Runs {@code request}, recording it as {@code tracking} says; {@code listeners} observe the model's training. */
    public static Tracked run(SegmentationRun.Request request, RunTracking tracking, List<TrainingListener> listeners,
                              Consumer<String> notes) throws IOException {
        try (RunRecorder recorder = RunRecorder.start(tracking, "train", request.out(), request.out(), params(request), notes)) {
            SegmentationRun.Result r = SegmentationRun.run(request, recorder.listeners(listeners.toArray(TrainingListener[]::new)), notes);
            long lastEpoch = r.outcome().fit().history().size();
            Map<String, Double> extra = new LinkedHashMap<>();
            extra.put("inference_seconds_per_image", r.inferenceSeconds());
            if (r.baseline() != null) {
                SegmentationOutcome b = r.baseline();
                b.val().overall().values().forEach((k, v) -> extra.put("random_init_val_" + k, v));
                if (b.test() != null) {
                    b.test().overall().values().forEach((k, v) -> extra.put("random_init_test_" + k, v));
                }
            }
            recorder.logMetrics(extra, lastEpoch);
            recorder.finish(new Scored(r), r.provenance(), request.out(), r.seconds());
            return new Tracked(r, recorder.runId(), recorder.location());
        }
    }

    /** The params recorded at the start: task, encoder, seed, epochs, batch size, rate and the segmentation settings. */
    static Map<String, Object> params(SegmentationRun.Request request) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("task", "segmentation");
        p.put("model", request.model());
        p.put("seed", request.config().training().training().seed());
        p.put("epochs", request.config().training().training().epochs());
        p.put("batch_size", request.config().training().training().batchSize());
        p.put("learning_rate", request.config().training().training().learningRate());
        p.putAll(SegmentationTraining.settings(request.config()));
        p.put("random_baseline", request.randomBaseline());
        return p;
    }

    /** A segmentation run as the recorder reads runs. */
    private record Scored(SegmentationRun.Result r) implements RunResult {
        @Override
        public FitResult fit() {
            return r.outcome().fit();
        }

        @Override
        public TaskMetrics validation() {
            return r.outcome().val().overall();
        }

        @Override
        public Optional<? extends TaskMetrics> test() {
            return Optional.ofNullable(r.outcome().test()).map(s -> s.overall());
        }

        @Override
        public double embedSeconds() {
            return 0;
        }

        @Override
        public Provenance provenance() {
            return r.provenance();
        }
    }
}
