package dev.graft.cli;

import dev.graft.artifact.ImageSegmenter;
import dev.graft.artifact.Json;
import dev.graft.data.TaskKind;
import dev.graft.eval.SegmentationEvaluation;
import dev.graft.run.SegmentationSettings;
import dev.graft.run.SegmentationTrainingRun;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingResult;
import dev.graft.run.TrainingRun;
import dev.graft.selection.SegmentationRun;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CLI side of segmentation: {@code graft train --task segmentation} (options parsed into a {@link TrainingRequest}
 * with {@link SegmentationSettings}), and {@code graft predict} / {@code graft evaluate} with a segmentation model. The
 * work is core's ({@link SegmentationTrainingRun}, {@link SegmentationEvaluation}); this class parses and prints.
 */
final class SegmentationCli {

    private SegmentationCli() {
    }

    /** Whether {@code graft train} asks for segmentation ({@code --task segmentation}). */
    static boolean requested(TrainingOptions options) {
        return options.data.task != null && TaskKind.parse(options.data.task) == TaskKind.SEGMENTATION;
    }

    /**
     * {@code graft train --task segmentation}: the options as a {@link TrainingRequest} with {@link SegmentationSettings},
     * run by core ({@link TrainingRun#run}, which hands it to {@link SegmentationTrainingRun}), the figures printed.
     */
    static int train(TrainCommand c) throws Exception {
        PrintStream err = System.err;
        try (TrainingResult result = TrainingRun.run(request(c), TrainingOptions.listener(err, c.quiet))) {
            SegmentationRun.Result r = ((SegmentationTrainingRun.Outcome) result.outcome()).result();
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
            TrackingOptionsMixin.printWhere(out, c.out, result.trackingRunId(), result.trackingLocation());
            out.flush();
        }
        return 0;
    }

    /** The request {@code graft train --task segmentation} makes: the common options and the segmentation ones. */
    static TrainingRequest request(TrainCommand c) {
        return c.options.request().output(c.out).checkpointEvery(c.checkpointEvery).checkpointDir(c.checkpointDir)
                .resume(c.resume).augment(c.augment).trainBn(c.trainBn).tta(c.tta).tracking(c.tracking.tracking())
                .commandLine(c.spec == null ? List.of() : c.spec.commandLine().getParseResult().originalArgs())
                .segmentation(c.segmentation.settings());
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
