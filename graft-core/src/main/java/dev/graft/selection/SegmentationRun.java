package dev.graft.selection;

import dev.graft.artifact.ImageSegmenter;
import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.image.masks.MaskClasses;
import dev.graft.data.image.masks.SegmentationDataReader;
import dev.graft.data.image.masks.SegmentationDataset;
import dev.graft.report.SegmentationReport;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.segmentation.SegmentationConfig;
import dev.graft.strategy.segmentation.SegmentationOutcome;
import dev.graft.strategy.segmentation.SegmentationTraining;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tracking.PeakMemory;
import dev.graft.training.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A whole segmentation run, as {@code graft train --task segmentation} does it: read the image/mask pairs (a training
 * folder split seeded into train/validation/test, or given validation and test folders), train with
 * {@link SegmentationTraining}, optionally train the random-initialised encoder of the same architecture at the same
 * budget as a baseline, and save the model with its metrics, provenance and HTML report
 * ({@link SegmentationReport}).
 */
public final class SegmentationRun {

    private SegmentationRun() {
    }

    /**
     * What to run.
     *
     * @param train          training pairs (folder or CSV)
     * @param val            validation pairs, or {@code null} to split them off {@code train}
     * @param test           test pairs, or {@code null} (split off {@code train} when {@code val} is null too)
     * @param valFraction    share of {@code train} held out for validation without {@code val}
     * @param testFraction   share held out for testing without {@code val} and {@code test} (0 = no test split)
     * @param model          the encoder ({@link SegmentationTraining#encoder})
     * @param classes        how mask values map to classes
     * @param skipUnpaired   whether images without a mask are skipped (counted) instead of refused
     * @param config         training settings (its seed also seeds the split)
     * @param randomBaseline whether to train the random-initialised baseline too
     * @param out            the model directory to write
     * @param commandLine    the command that asked for the run (provenance), or empty
     * @param checkpointDir  where the model's training checkpoints (and resumes from when {@code resume}); {@code null}
     *                       for no checkpoints (the baseline never checkpoints)
     * @param checkpointEvery checkpoint every this many epochs
     * @param resume         continue the training whose checkpoint is in {@code checkpointDir}
     */
    public record Request(Path train, Path val, Path test, double valFraction, double testFraction, String model,
                          MaskClasses classes, boolean skipUnpaired, SegmentationConfig config, boolean randomBaseline,
                          Path out, List<String> commandLine, Path checkpointDir, int checkpointEvery, boolean resume) {

        /** A request without checkpoints. */
        public Request(Path train, Path val, Path test, double valFraction, double testFraction, String model,
                       MaskClasses classes, boolean skipUnpaired, SegmentationConfig config, boolean randomBaseline,
                       Path out, List<String> commandLine) {
            this(train, val, test, valFraction, testFraction, model, classes, skipUnpaired, config, randomBaseline, out,
                    commandLine, null, 1, false);
        }
    }

    /**
     * What the run produced. The model is saved; close the outcomes' models when done.
     *
     * @param outcome           the trained model and its scores
     * @param baseline          the baseline's, or {@code null}
     * @param metrics           the metrics document saved with the model
     * @param inferenceSeconds  mean wall time of sliding-window inference per validation image (the saved model)
     * @param replaced          whether an earlier model at {@code out} was replaced
     * @param seconds           wall time of the whole run
     * @param skipped           images skipped for want of a mask
     * @param provenance        the provenance saved with the model
     */
    public record Result(SegmentationOutcome outcome, SegmentationOutcome baseline, Map<String, Object> metrics,
                         double inferenceSeconds, boolean replaced, double seconds, int skipped, Provenance provenance) {
    }

    /** Runs {@code request}; {@code listeners} observe the training of the model (not of the baseline). */
    public static Result run(Request request, List<TrainingListener> listeners, java.util.function.Consumer<String> notes)
            throws IOException {
        long start = System.nanoTime();
        ModelDirectory.checkWritable(request.out());
        SegmentationDataset.Split split = split(request);
        int skipped = split.train().skipped() + split.val().skipped() + (split.test() == null ? 0 : split.test().skipped());
        notes.accept(String.format(Locale.ROOT, "Images: train %d, val %d%s; classes %s", split.train().size(), split.val().size(),
                split.test() == null ? "" : ", test " + split.test().size(), split.train().classes().describe()));
        ImageBackbone backbone = SegmentationTraining.encoder(request.model());
        SegmentationOutcome outcome = SegmentationTraining.train(backbone, split, request.config(), listeners,
                request.checkpointDir(), request.checkpointEvery(), request.resume());
        long inferStart = System.nanoTime();
        outcome.model().score(split.val());
        double perImage = (System.nanoTime() - inferStart) / 1e9 / split.val().size();
        SegmentationOutcome baseline = null;
        if (request.randomBaseline()) {
            notes.accept("Training the random-initialised baseline (same architecture and budget) ...");
            baseline = SegmentationTraining.train(backbone.randomInit(), split, request.config(), List.of());
        }
        SegmentationDataset reported = split.test() != null ? split.test() : split.val();
        dev.graft.metrics.SegmentationMetrics majority = majority(split.train(), reported);
        Map<String, Object> metrics = new LinkedHashMap<>(outcome.metrics());
        metrics.put("inference_seconds_per_image", perImage);
        List<Map<String, Object>> baselines = new java.util.ArrayList<>();
        Map<String, Object> constant = new LinkedHashMap<>();
        constant.put("name", "majority-class");
        constant.put(split.test() != null ? "test" : "validation", majority.toMap());
        baselines.add(constant);
        if (baseline != null) {
            Map<String, Object> b = new LinkedHashMap<>(baseline.metrics());
            b.put("name", "random-init");
            baselines.add(b);
        }
        metrics.put("baselines", baselines);
        double seconds = (System.nanoTime() - start) / 1e9;
        metrics.put("wall_seconds", seconds);
        PeakMemory peak = PeakMemory.measure();
        peak.putInto(metrics);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("wall time (training, baseline, scoring)", String.format(Locale.ROOT, "%.1f s", seconds));
        facts.put("peak memory", String.format(Locale.ROOT, "%.0f MiB (%s)", peak.mebibytes(), peak.source()));
        facts.put("inference per validation image", String.format(Locale.ROOT, "%.2f s (%dx%d)", perImage,
                split.val().mask(0).width(), split.val().mask(0).height()));
        Provenance provenance = SegmentationTraining.provenance(outcome, request.config(), backbone).withCommandLine(request.commandLine());
        String report = SegmentationReport.html("Segmentation: " + request.train().getFileName(), outcome, baseline, majority, facts);
        boolean replaced = outcome.model().save(request.out(), provenance, metrics,
                staging -> AtomicFiles.writeString(staging.resolve("report.html"), report));
        if (baseline != null) {
            baseline.model().close();
        }
        return new Result(outcome, baseline, metrics, perImage, replaced, seconds, skipped, provenance);
    }

    /**
     * The trivial baseline: every pixel of {@code scored} predicted as the class most frequent in {@code train}'s masks
     * (with thin foreground structures, a high foreground Dice can mean no more than this).
     */
    public static dev.graft.metrics.SegmentationMetrics majority(SegmentationDataset train, SegmentationDataset scored) {
        long[] counts = new long[train.numClasses()];
        for (int i = 0; i < train.size(); i++) {
            for (int c : train.mask(i).classes()) {
                if (c >= 0) {
                    counts[c]++;
                }
            }
        }
        int best = 0;
        for (int c = 1; c < counts.length; c++) {
            best = counts[c] > counts[best] ? c : best;
        }
        dev.graft.metrics.SegmentationMetrics m = new dev.graft.metrics.SegmentationMetrics(train.classes().names());
        for (int i = 0; i < scored.size(); i++) {
            int[] gold = scored.mask(i).classes();
            int[] pred = new int[gold.length];
            java.util.Arrays.fill(pred, best);
            m.add(gold, pred);
        }
        return m;
    }

    /** The split the request describes, seeded by the training seed. */
    static SegmentationDataset.Split split(Request r) {
        long seed = r.config().training().training().seed();
        SegmentationDataset train = SegmentationDataReader.read(r.train(), r.classes(), r.skipUnpaired());
        if (r.val() != null) {
            SegmentationDataset val = SegmentationDataReader.read(r.val(), r.classes(), r.skipUnpaired());
            SegmentationDataset test = r.test() == null ? null : SegmentationDataReader.read(r.test(), r.classes(), r.skipUnpaired());
            return new SegmentationDataset.Split(train, val, test);
        }
        SegmentationDataset.Split s = train.split(r.valFraction(), r.test() == null ? r.testFraction() : 0, seed);
        if (r.test() != null) {
            return new SegmentationDataset.Split(s.train(), s.val(), SegmentationDataReader.read(r.test(), r.classes(), r.skipUnpaired()));
        }
        return s;
    }
}
