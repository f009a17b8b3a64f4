package dev.graft.eval;

import dev.graft.artifact.ImageSegmenter;
import dev.graft.data.image.ImageDecoder;
import dev.graft.data.image.RgbImage;
import dev.graft.data.image.masks.MaskClasses;
import dev.graft.data.image.masks.SegmentationDataReader;
import dev.graft.data.image.masks.SegmentationDataset;
import dev.graft.data.image.masks.SegmentationSamples;
import dev.graft.metrics.SegmentationMetrics;
import dev.graft.report.MaskOverlays;
import dev.graft.task.SegmentationTask;
import dev.graft.tensor.io.AtomicFiles;
import dev.graft.tensor.io.DirectoryKind;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Scoring a saved segmentation model on image/mask pairs, and writing its predicted masks for new images.
 */
public final class SegmentationEvaluation {

    /** A folder of predicted masks; recognised before ownership markers by its summary. */
    public static final DirectoryKind PREDICTIONS = new DirectoryKind("segmentation-predictions", "Graft predicted masks",
            "summary.json", Set.of("summary.json"), "\"predictions\"");

    private SegmentationEvaluation() {
    }

    /**
     * The scores of {@code model} on the pairs at {@code data} (a folder with images/ and masks/, or a CSV), masks read
     * with the model's classes and ignore value.
     *
     * @param skipUnpaired whether images without a mask are skipped rather than refused
     */
    public static Result evaluate(ImageSegmenter model, Path data, boolean skipUnpaired) {
        SegmentationTask task = model.task();
        MaskClasses classes = MaskClasses.ofModel(task.outputNames(), task.classValues(), task.ignoreValue());
        SegmentationDataset d = SegmentationDataReader.read(data, classes, skipUnpaired);
        long start = System.nanoTime();
        ImageSegmenter.Scores scores = model.score(d);
        double perImage = (System.nanoTime() - start) / 1e9 / d.size();
        List<Map<String, Object>> images = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("image", d.examples().get(i).image().toString());
            row.putAll(scores.perImage().get(i).values());
            images.add(row);
        }
        return new Result(scores.overall(), images, perImage, d.skipped());
    }

    /**
     * What {@link #evaluate} measured.
     *
     * @param metrics          over every pixel of every image
     * @param images           each image's own figures
     * @param secondsPerImage  mean wall time of inference per image
     * @param skipped          images skipped for want of a mask
     */
    public record Result(SegmentationMetrics metrics, List<Map<String, Object>> images, double secondsPerImage, int skipped) {

        /** The JSON document: the metrics, each image's figures and the timing. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>(metrics.toMap());
            m.put("images", images);
            m.put("inference_seconds_per_image", secondsPerImage);
            m.put("skipped_without_mask", skipped);
            return m;
        }
    }

    /**
     * The images {@code input} names: the image files of a folder (or of its {@code images/} folder), one image file,
     * or a text file listing one image path per line (relative to its folder).
     */
    public static List<Path> images(Path input) throws IOException {
        if (Files.isDirectory(input)) {
            Path dir = Files.isDirectory(input.resolve("images")) ? input.resolve("images") : input;
            try (Stream<Path> files = Files.list(dir)) {
                List<Path> out = files.filter(f -> Files.isRegularFile(f) && ImageDecoder.hasImageExtension(f)).sorted().toList();
                if (out.isEmpty()) {
                    throw new DataException("No images in " + dir + ".");
                }
                return out;
            }
        }
        if (!Files.isRegularFile(input)) {
            throw new DataException("Input " + input + " does not exist: give an image, a folder of images, or a file of image paths.");
        }
        if (ImageDecoder.hasImageExtension(input)) {
            return List.of(input);
        }
        List<Path> out = new ArrayList<>();
        Path base = input.toAbsolutePath().getParent();
        try (dev.graft.data.BoundedLineReader r = new dev.graft.data.BoundedLineReader(Files.newInputStream(input), input.toString(),
                64 * 1024)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(base.resolve(line.strip()));
                }
            }
        }
        return out;
    }

    /**
     * Predicts a mask for every image and writes, through {@link OwnedDirectory}, {@code <name>.png} (8-bit gray, each
     * pixel its class's mask value), with {@code overlays} also {@code <name>_overlay.png}, and {@code summary.json}
     * (per image: size, share of each class, seconds). Two images of one base name are refused.
     *
     * @return the summary
     */
    public static Map<String, Object> predict(ImageSegmenter model, List<Path> images, Path out, boolean overlays) throws IOException {
        OwnedDirectory.checkWritable(out, PREDICTIONS);
        Set<String> names = new HashSet<>();
        for (Path p : images) {
            String n = baseName(p);
            if (!names.add(n)) {
                throw new DataException("Two input images are named '" + n + "'; their masks would share " + n + ".png. Rename one.");
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        SegmentationTask task = model.task();
        OwnedDirectory.write(out, PREDICTIONS, staging -> {
            for (Path p : images) {
                RgbImage image = ImageDecoder.decode(p);
                long start = System.nanoTime();
                int[] classes = SegmentationTask.argmax(model.probabilities(SegmentationSamples.planar(image.rgb(), image.width(),
                        image.height()), image.width(), image.height()), task.outputWidth());
                double seconds = (System.nanoTime() - start) / 1e9;
                String n = baseName(p);
                Files.write(staging.resolve(n + ".png"), MaskOverlays.png(MaskOverlays.mask(image.width(), image.height(), classes,
                        task.classValues())));
                if (overlays) {
                    Files.write(staging.resolve(n + "_overlay.png"), MaskOverlays.png(MaskOverlays.overlay(image, classes)));
                }
                long[] counts = new long[task.outputWidth()];
                for (int c : classes) {
                    counts[c]++;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("image", p.toString());
                row.put("mask", n + ".png");
                row.put("width", image.width());
                row.put("height", image.height());
                Map<String, Double> share = new LinkedHashMap<>();
                for (int c = 0; c < counts.length; c++) {
                    share.put(task.outputNames().get(c), (double) counts[c] / classes.length);
                }
                row.put("class_share", share);
                row.put("seconds", seconds);
                rows.add(row);
            }
            summary.put("model_classes", task.outputNames());
            summary.put("predictions", rows);
            AtomicFiles.writeString(staging.resolve("summary.json"), dev.graft.artifact.Json.MAPPER.writeValueAsString(summary));
        });
        return summary;
    }

    private static String baseName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
