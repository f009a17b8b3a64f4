package dev.graft.run;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.TaskKind;
import dev.graft.data.image.masks.JointAugmentation;
import dev.graft.metrics.TaskMetrics;
import dev.graft.model.vision.seg.DecoderKind;
import dev.graft.report.HtmlReport;
import dev.graft.selection.SegmentationRun;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.RunResult;
import dev.graft.strategy.segmentation.SegmentationConfig;
import dev.graft.strategy.segmentation.SegmentationOutcome;
import dev.graft.strategy.segmentation.SegmentationTraining;
import dev.graft.training.FitResult;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingListener;
import dev.graft.training.optim.OptimizerSpec;
import dev.graft.util.Arguments;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A segmentation run as {@code graft train --task segmentation} does it and {@code Graft.train} gives a Java caller
 * ({@link #run(TrainingRequest, RunListener)}: a {@link TrainingRequest} with {@link SegmentationSettings}, checked,
 * turned into the run's settings, checkpointed and resumable as a fine-tune is): a {@link SegmentationRun}
 * recorded like {@code graft train}'s other runs ({@link RunRecorder}): the
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

    /** Whether {@code request} asks for segmentation: it has {@link SegmentationSettings}, or its task is segmentation. */
    public static boolean requested(TrainingRequest request) {
        return request.segmentation != null || request.data.targets().task() == TaskKind.SEGMENTATION;
    }

    /**
     * Runs a segmentation {@code request} (its settings are checked before any data or model is read), with
     * checkpoints as {@link CheckpointPlan} places them (resumed with {@link TrainingRequest#resume}); the result's
     * outcome is an {@link Outcome}, which the caller closes with the result.
     */
    public static TrainingResult run(TrainingRequest request, RunListener listener) throws IOException {
        if (request.output == null) {
            throw new IllegalArgumentException("A training run needs an " + Arguments.name("output") + " directory.");
        }
        TrainingRun.refuseBf16ForSegmentation(request);
        TrainingRun.checkSplitSettings(request, true);
        SegmentationConfig config = config(request);
        ModelDirectory.checkWritable(request.output);
        CheckpointPlan checkpoints = CheckpointPlan.of(request.output, request.checkpointDir, request.resume, request.checkpointEvery);
        checkpoints.checkStart();
        SegmentationSettings s = settings(request);
        SegmentationRun.Request run = new SegmentationRun.Request(request.trainFile, request.valFile, request.testFile,
                request.valFraction, request.testFraction, request.model == null ? TrainingRequest.DEFAULT_IMAGE_MODEL : request.model,
                s.classes(), s.skipUnpaired(), config, s.randomBaseline(), request.output, request.commandLine,
                checkpoints.directory(), checkpoints.everyEpochs(), checkpoints.resume());
        checkpoints.announce(listener);
        Tracked tracked = run(run, request.tracking, listener.epochs(), listener::summary);
        checkpoints.finished();
        SegmentationRun.Result r = tracked.result();
        return new TrainingResult(request.output, r.replaced(), new Outcome(r), r.metrics(),
                Optional.of(request.output.resolve(HtmlReport.REPORT_FILE)), Optional.empty(), List.of(), tracked.runId(),
                tracked.location(), r.outcome().split().val().size(),
                Optional.ofNullable(r.outcome().split().test()).map(t -> t.size()), 0, r.seconds());
    }

    /**
     * The run's settings from the request: the segmentation recipe ({@link SegmentationConfig#defaults}) with the
     * request's crops, loss, augmentation, decoder, BatchNorm policy and the common training settings it names
     * (epochs, rate, batch size, patience, seed, schedule, monitor, optimiser, clipping, L2-SP; for fine-tuning the
     * encoder's rates and freeze schedule).
     *
     * @throws IllegalArgumentException for a strategy other than feature extraction or fine-tuning
     */
    public static SegmentationConfig config(TrainingRequest o) {
        if (!FeatureExtraction.NAME.equals(o.strategy) && !FineTuning.NAME.equals(o.strategy)) {
            throw new IllegalArgumentException("Segmentation trains with " + Arguments.name("strategy") + " " + FeatureExtraction.NAME
                    + " (frozen encoder, trained decoder) or " + FineTuning.NAME + ", not " + o.strategy + ".");
        }
        SegmentationSettings s = settings(o);
        boolean frozen = FeatureExtraction.NAME.equals(o.strategy);
        SegmentationConfig base = SegmentationConfig.defaults(frozen).withCrops(s.crop(), s.cropsPerEpoch(), s.tileOverlap())
                .withLoss(s.diceWeight(), s.focalGamma()).withAugmentation(JointAugmentation.parse(o.augment).withElastic(s.elastic()))
                .withDecoder(DecoderKind.parse(s.decoder())).withTrainBatchNorm(o.trainBn);
        FineTuneConfig ft = base.training();
        TrainConfig t = ft.training().overriding(o.epochs, o.learningRate, o.batchSize, o.patience).withSeed(o.seed)
                .withSchedule(ft.training().schedule().overriding(o.schedule, o.warmup));
        if (o.monitor != null && !o.monitor.equals("macro_f1")) {
            t = t.withMonitor(Monitor.parse(o.monitor));
        }
        OptimizerSpec optimizer = ft.optimizer().withKind(o.optimizer);
        if (o.momentum != null) {
            optimizer = optimizer.withMomentum(o.momentum);
        }
        ft = ft.withTraining(t).withOptimizer(optimizer.withMaxGradNorm(o.maxGradNorm)).withL2sp(o.l2sp);
        if (!frozen) {
            ft = ft.withBackboneLr(o.lrBackbone != null ? o.lrBackbone : ft.backboneLr(), o.layerDecay != null ? o.layerDecay : ft.layerDecay())
                    .withFreeze(new FreezeSchedule(TrainingRequest.parseUnfreeze(o.unfreeze == null ? "all" : o.unfreeze),
                            o.headEpochs != null && o.headEpochs > 0 ? o.headEpochs : ft.freeze().headEpochs(), o.gradual, false));
        }
        return base.withTraining(ft);
    }

    private static SegmentationSettings settings(TrainingRequest request) {
        return request.segmentation != null ? request.segmentation : SegmentationSettings.defaults();
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
            recorder.finish(new Outcome(r), r.provenance(), request.out(), r.seconds());
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

    /**
     * A segmentation run as the recorder and {@link TrainingResult} read runs: the kept model's history and scores; the
     * whole {@link SegmentationRun.Result} (model, baseline, metrics, timings) through {@link #result()}. Closing it
     * releases the model.
     */
    public static final class Outcome implements RunResult, AutoCloseable {
        private final SegmentationRun.Result r;

        Outcome(SegmentationRun.Result r) {
            this.r = r;
        }

        /** The segmentation run's result. */
        public SegmentationRun.Result result() {
            return r;
        }

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

        @Override
        public void close() {
            r.outcome().model().close();
        }
    }
}
