package dev.graft.cli;

import dev.graft.artifact.ImageSegmenter;
import dev.graft.artifact.Json;
import dev.graft.data.TaskKind;
import dev.graft.data.image.masks.JointAugmentation;
import dev.graft.data.image.masks.MaskClasses;
import dev.graft.eval.SegmentationEvaluation;
import dev.graft.model.vision.seg.DecoderKind;
import dev.graft.run.SegmentationTrainingRun;
import dev.graft.selection.SegmentationRun;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.segmentation.SegmentationConfig;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CLI side of segmentation: {@code graft train --task segmentation} (options parsed into a
 * {@link SegmentationRun.Request}), and {@code graft predict} / {@code graft evaluate} with a segmentation model. The
 * work is core's ({@link SegmentationRun}, {@link SegmentationEvaluation}); this class parses and prints.
 */
final class SegmentationCli {

    private SegmentationCli() {
    }

    /** Whether {@code graft train} asks for segmentation ({@code --task segmentation}). */
    static boolean requested(TrainingOptions options) {
        return options.data.task != null && TaskKind.parse(options.data.task) == TaskKind.SEGMENTATION;
    }

    static int train(TrainCommand c) throws Exception {
        TrainingOptions o = c.options;
        SegmentationOptions s = c.segmentation;
        if (!FeatureExtraction.NAME.equals(o.strategy) && !FineTuning.NAME.equals(o.strategy)) {
            throw new IllegalArgumentException("--task segmentation trains with --strategy " + FeatureExtraction.NAME
                    + " (frozen encoder, trained decoder) or " + FineTuning.NAME + ", not " + o.strategy + ".");
        }
        CheckpointPlan.refuseResume(c.resume);
        int ignore = s.ignoreIndex == null ? -1 : s.ignoreIndex;
        MaskClasses classes = s.maskClasses == null ? MaskClasses.binary(ignore) : MaskClasses.read(s.maskClasses, ignore);
        SegmentationRun.Request request = new SegmentationRun.Request(o.train, o.val, o.test, o.valFraction, o.testFraction, o.model,
                classes, s.skipUnpaired, config(o, s, c.augment), s.randomBaseline, c.out,
                c.spec.commandLine().getParseResult().originalArgs());
        PrintStream err = System.err;
        SegmentationTrainingRun.Tracked tracked = SegmentationTrainingRun.run(request, c.tracking.tracking(),
                List.of(new EpochProgress(err, c.quiet)), note -> {
                    if (!c.quiet) {
                        err.println(note);
                    }
                });
        SegmentationRun.Result r = tracked.result();
        try {
            PrintWriter out = c.spec.commandLine().getOut();
            if (r.skipped() > 0) {
                out.println("note: skipped " + r.skipped() + " image(s) without a mask");
            }
            out.println();
            out.println("Validation (" + r.outcome().split().val().size() + " images, best epoch " + r.outcome().fit().bestEpoch() + "):");
            out.print(r.outcome().val().overall().toTable());
            if (r.outcome().test() != null) {
                out.println("Test (" + r.outcome().split().test().size() + " images):");
                out.print(r.outcome().test().overall().toTable());
            }
            if (r.baseline() != null) {
                var b = r.baseline().test() != null ? r.baseline().test() : r.baseline().val();
                out.println("Baseline random-init encoder, same budget (" + (r.baseline().test() != null ? "test" : "validation") + "):");
                out.print(b.overall().toTable());
            }
            out.printf(Locale.ROOT, "Training: %.1f s   inference: %.2f s per validation image   total: %.1f s   peak RSS: %s MiB%n",
                    r.outcome().fit().seconds(), r.inferenceSeconds(), r.seconds(), r.metrics().get("peak_rss_mb"));
            out.println((r.replaced() ? "Replaced the model at " : "Saved the model to ") + c.out.toAbsolutePath()
                    + "  (report: " + c.out.resolve("report.html") + ")");
            TrackingOptionsMixin.printWhere(out, c.out, tracked.runId(), tracked.location());
            out.flush();
        } finally {
            r.outcome().model().close();
        }
        return 0;
    }

    /** The run's settings from the common and the segmentation options. */
    static SegmentationConfig config(TrainingOptions o, SegmentationOptions s, String augment) {
        boolean frozen = FeatureExtraction.NAME.equals(o.strategy);
        SegmentationConfig base = SegmentationConfig.defaults(frozen).withCrops(s.crop, s.cropsPerEpoch, s.tileOverlap)
                .withLoss(s.diceWeight, s.focalGamma).withAugmentation(augmentation(augment).withElastic(s.elastic))
                .withDecoder(DecoderKind.parse(s.decoder));
        FineTuneConfig ft = base.training();
        TrainConfig t = ft.training().overriding(o.epochs, o.learningRate, o.batchSize, o.patience).withSeed(o.seed)
                .withSchedule(ft.training().schedule().overriding(o.schedule, o.warmup));
        if (o.monitor != null && !o.monitor.equals("macro_f1")) {
            t = t.withMonitor(Monitor.parse(o.monitor));
        }
        dev.graft.training.optim.OptimizerSpec optimizer = ft.optimizer().withKind(o.optimizer);
        if (o.momentum != null) {
            optimizer = optimizer.withMomentum(o.momentum);
        }
        ft = ft.withTraining(t).withOptimizer(optimizer.withMaxGradNorm(o.maxGradNorm)).withL2sp(o.l2sp);
        if (!frozen) {
            ft = ft.withBackboneLr(o.lrBackbone != null ? o.lrBackbone : ft.backboneLr(), o.layerDecay != null ? o.layerDecay : ft.layerDecay())
                    .withFreeze(new FreezeSchedule(TrainingOptions.parseUnfreeze(o.unfreeze == null ? "all" : o.unfreeze),
                            o.headEpochs != null && o.headEpochs > 0 ? o.headEpochs : ft.freeze().headEpochs(), o.gradual, false));
        }
        return base.withTraining(ft);
    }

    private static JointAugmentation augmentation(String augment) {
        return switch (augment.toLowerCase(Locale.ROOT)) {
            case "standard" -> JointAugmentation.standard();
            case "noflip" -> new JointAugmentation(false, false, 0.8, 1.25, 0.1, 0.1);
            case "none" -> JointAugmentation.none();
            default -> throw new IllegalArgumentException("--augment takes standard, noflip or none, got '" + augment + "'.");
        };
    }

    /** {@code graft evaluate} with a segmentation model. */
    static int evaluate(Path model, Path data, boolean json, PrintWriter out) throws Exception {
        try (ImageSegmenter m = ImageSegmenter.load(model)) {
            SegmentationEvaluation.Result r = SegmentationEvaluation.evaluate(m, data, false);
            if (json) {
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(r.toMap()));
            } else {
                out.println("Segmentation of " + r.images().size() + " images:");
                out.print(r.metrics().toTable());
                out.printf(Locale.ROOT, "Inference: %.2f s per image%n", r.secondsPerImage());
            }
            out.flush();
        }
        return 0;
    }

    /** {@code graft predict} with a segmentation model: masks (and overlays) into {@code out}. */
    static int predict(Path model, Path input, Path out, boolean overlays, PrintWriter stdout) throws Exception {
        if (out == null) {
            throw new IllegalArgumentException("A segmentation model writes mask images: give --output DIR.");
        }
        List<Path> images = SegmentationEvaluation.images(input);
        try (ImageSegmenter m = ImageSegmenter.load(model)) {
            Map<String, Object> summary = SegmentationEvaluation.predict(m, images, out, overlays);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) summary.get("predictions");
            double seconds = rows.stream().mapToDouble(r -> ((Number) r.get("seconds")).doubleValue()).sum();
            stdout.printf(Locale.ROOT, "Wrote %d mask(s)%s to %s (summary.json); %.2f s per image%n", rows.size(),
                    overlays ? " and overlays" : "", out.toAbsolutePath(), seconds / rows.size());
            stdout.flush();
        }
        return 0;
    }
}
