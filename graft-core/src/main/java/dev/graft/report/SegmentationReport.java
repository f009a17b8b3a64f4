package dev.graft.report;

import dev.graft.artifact.ImageSegmenter;
import dev.graft.data.image.RgbImage;
import dev.graft.data.image.masks.SegmentationDataset;
import dev.graft.metrics.SegmentationMetrics;
import dev.graft.strategy.segmentation.SegmentationOutcome;
import dev.graft.training.EpochLog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML report of a segmentation run: the scores of the model next to the random-initialised baseline, per-class
 * IoU and Dice, the training history, and the best and worst validation images as image, gold overlay, predicted
 * overlay and error map (images embedded as PNG {@code data:} URIs, so the file stands alone).
 */
public final class SegmentationReport {

    /** Best and worst validation images shown, each. */
    static final int SHOWN = 2;

    private SegmentationReport() {
    }

    /**
     * The report.
     *
     * @param baseline the random-initialised encoder trained the same way, or {@code null}
     * @param majority every pixel predicted as the training masks' most frequent class, on the test split (else validation)
     * @param facts    further figures to list (wall time, peak memory, inference time), by name
     */
    public static String html(String title, SegmentationOutcome outcome, SegmentationOutcome baseline, SegmentationMetrics majority,
                              Map<String, String> facts) {
        ImageSegmenter model = outcome.model();
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(HtmlReport.esc(title)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}")
                .append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
                .append(".row{display:flex;gap:10px;margin-bottom:18px}.row figure{margin:0}.row img{width:240px;image-rendering:pixelated}")
                .append("figcaption{font-size:12px;color:#555}</style></head><body>");
        b.append("<h1>").append(HtmlReport.esc(title)).append("</h1>");
        b.append("<p>Strategy <b>").append(HtmlReport.esc(model.strategy())).append("</b>, classes ")
                .append(HtmlReport.esc(String.join(", ", model.task().outputNames()))).append(", crops of ").append(model.task().tile())
                .append(" px, inference tiles overlapping by ").append(model.task().overlap()).append(" px; trained on ")
                .append(outcome.split().train().size()).append(" images, validated on ").append(outcome.split().val().size())
                .append(outcome.split().test() == null ? "" : ", tested on " + outcome.split().test().size()).append(".</p>");
        b.append("<h2>Scores</h2><table><tr><th>model</th><th>split</th><th>foreground Dice</th><th>mean IoU</th><th>mean Dice</th><th>pixel accuracy</th></tr>");
        scoreRows(b, "pretrained encoder (" + model.strategy() + ")", outcome);
        if (baseline != null) {
            scoreRows(b, "random-init encoder, same budget", baseline);
        }
        row(b, "majority class everywhere (trivial)", outcome.test() != null ? "test" : "validation", majority);
        b.append("</table>");
        if (baseline != null) {
            double gain = headline(outcome) - headline(baseline);
            b.append(String.format(Locale.ROOT, "<p><b>%s</b>: the pretrained encoder scores %+.3f %s against the random-initialised"
                            + " one (%s).</p>", gain > 0.01 ? "Transfer helped" : gain < -0.01 ? "Transfer hurt" : "No clear difference",
                    gain, headlineName(outcome), outcome.test() != null ? "test" : "validation"));
        }
        b.append("<h2>Per class (validation)</h2><table><tr><th>class</th><th>IoU</th><th>Dice</th></tr>");
        SegmentationMetrics v = outcome.val().overall();
        for (int c = 0; c < v.classes().size(); c++) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.4f</td><td>%.4f</td></tr>", HtmlReport.esc(v.classes().get(c)),
                    v.iou(c), v.dice(c)));
        }
        b.append("</table><h2>Training</h2><table><tr><th>epoch</th><th>train loss</th><th>val loss</th><th>val mean IoU</th><th>seconds</th></tr>");
        for (EpochLog e : outcome.fit().history()) {
            b.append(String.format(Locale.ROOT, "<tr><td>%d%s</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.1f</td></tr>", e.epoch(),
                    e.epoch() == outcome.fit().bestEpoch() ? " (kept)" : "", e.trainLoss(), e.valLoss(),
                    e.valMetrics().getOrDefault("mean_iou", Double.NaN), e.seconds()));
        }
        b.append("</table>");
        if (!facts.isEmpty()) {
            b.append("<h2>Run</h2><table>");
            facts.forEach((k, val) -> b.append("<tr><td>").append(HtmlReport.esc(k)).append("</td><td>").append(HtmlReport.esc(val)).append("</td></tr>"));
            b.append("</table>");
        }
        b.append("<h2>Best and worst validation images</h2><p>Image, gold mask, prediction (classes ≥ 1 tinted) and the pixels"
                + " where the prediction is wrong (red), ranked by each image's ").append(headlineName(outcome)).append(".</p>");
        for (int i : bestAndWorst(outcome.val(), outcome.split().val().size())) {
            example(b, outcome.split().val(), outcome.val(), i);
        }
        return b.append("</body></html>").toString();
    }

    /** The indices of the best and then the worst images, by the headline figure (each shown once). */
    static List<Integer> bestAndWorst(ImageSegmenter.Scores scores, int n) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> perImage(scores.perImage().get(i))).reversed());
        List<Integer> shown = new ArrayList<>();
        for (int k = 0; k < Math.min(SHOWN, n); k++) {
            shown.add(order.get(k));
        }
        for (int k = Math.max(SHOWN, n - SHOWN); k < n; k++) {
            shown.add(order.get(k));
        }
        return shown;
    }

    /** Mean IoU: unlike the foreground Dice it does not reward predicting the majority class everywhere. */
    private static double perImage(SegmentationMetrics m) {
        double v = m.meanIou();
        return Double.isNaN(v) ? -1 : v;
    }

    private static double headline(SegmentationOutcome o) {
        return perImage((o.test() != null ? o.test() : o.val()).overall());
    }

    private static String headlineName(SegmentationOutcome o) {
        return "mean IoU";
    }

    private static void scoreRows(StringBuilder b, String name, SegmentationOutcome o) {
        row(b, name, "validation", o.val().overall());
        if (o.test() != null) {
            row(b, name, "test", o.test().overall());
        }
    }

    private static void row(StringBuilder b, String name, String split, SegmentationMetrics m) {
        b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td></tr>",
                HtmlReport.esc(name), split, m.foregroundDice(), m.meanIou(), m.meanDice(), m.pixelAccuracy()));
    }

    private static void example(StringBuilder b, SegmentationDataset data, ImageSegmenter.Scores scores, int i) {
        RgbImage image = data.images().get(i);
        int[] gold = data.masks().get(i).classes();
        int[] pred = scores.predictions().get(i);
        SegmentationMetrics m = scores.perImage().get(i);
        String name = data.examples().get(i).image().getFileName().toString();
        b.append("<div class=\"row\">");
        figure(b, MaskOverlays.dataUri(MaskOverlays.overlay(image, new int[gold.length])), name);
        figure(b, MaskOverlays.dataUri(MaskOverlays.overlay(image, gold)), "gold");
        figure(b, MaskOverlays.dataUri(MaskOverlays.overlay(image, pred)), String.format(Locale.ROOT,
                "prediction: Dice %.3f, mean IoU %.3f", m.classes().size() == 2 ? m.foregroundDice() : m.meanDice(), m.meanIou()));
        figure(b, MaskOverlays.dataUri(MaskOverlays.errors(image, gold, pred)), String.format(Locale.ROOT, "errors: %.1f%% of pixels",
                100 * (1 - m.pixelAccuracy())));
        b.append("</div>");
    }

    private static void figure(StringBuilder b, String uri, String caption) {
        b.append("<figure><img src=\"").append(uri).append("\" alt=\"").append(HtmlReport.esc(caption)).append("\"><figcaption>")
                .append(HtmlReport.esc(caption)).append("</figcaption></figure>");
    }
}
