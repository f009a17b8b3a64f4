package dev.graft.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.metrics.BinaryMetric;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.task.ClassificationTask;
import dev.graft.task.DecisionThreshold;
import dev.graft.task.Targets;
import dev.graft.selection.TransferCheck;
import dev.graft.strategy.SplitPredictions;
import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import dev.graft.training.Monitor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html stands alone, embeds its charts, escapes text; the PNGs are real images. */
class HtmlReportTest {

    private static final List<String> LABELS = List.of("ham", "spam", "other & misc");

    @TempDir
    Path dir;

    static ReportData data() {
        FitResult fit = new FitResult(List.of(
                new EpochLog(1, 1.05, 0.98, 0.55, 0.50, 0.01, 0.4, true, 100, java.util.Map.of("layer.0", 0.001, "layer.1", 0.004)),
                new EpochLog(2, 0.80, 0.75, 0.70, 0.66, 0.01, 0.3, true, 100, java.util.Map.of("layer.0", 0.002, "layer.1", 0.007)),
                new EpochLog(3, 0.60, 0.78, 0.68, 0.64, 0.005, 0.3, false, 100, java.util.Map.of("layer.0", 0.003, "layer.1", 0.009))),
                2, Monitor.MACRO_F1, 0.66, false, 1.0);
        ClassificationMetrics val = ClassificationMetrics.of(new int[] {0, 0, 1, 1, 2, 2}, new int[] {0, 1, 1, 1, 2, 0}, LABELS);
        ClassificationMetrics test = ClassificationMetrics.of(new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 1}, LABELS);
        TextDataset data = TextDataset.of("test", List.of(
                TextExample.of("hello there", "ham"),
                TextExample.of("<script>alert('x')</script> win a prize", "ham"),
                TextExample.of("see https://example.com/x for details", "other & misc"),
                TextExample.of("fine", "spam")));
        float[][] probs = {{0.9f, 0.05f, 0.05f}, {0.05f, 0.9f, 0.05f}, {0.2f, 0.7f, 0.1f}, {0.1f, 0.8f, 0.1f}};
        List<MisclassifiedExample> wrong = MisclassifiedExample.worst(new SplitPredictions(data, probs), LABELS, 10);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("created_at", "2025-01-01T00:00:00Z");
        provenance.put("strategy", "feature-extraction");
        provenance.put("backbone", Map.of("id", "all-MiniLM-L6-v2", "source", "https://huggingface.co/x", "license", "Apache-2.0"));
        provenance.put("command_line", List.of("--train", "a<b>.csv"));
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("ham", 40);
        counts.put("spam", 12);
        counts.put("other & misc", 5);
        return new ReportData("run <one>", fit, val, Optional.of(test), wrong, "test", counts, provenance);
    }

    @Test
    void worstMistakesComeMostConfidentFirst() {
        List<MisclassifiedExample> wrong = data().misclassified();
        assertEquals(2, wrong.size());
        assertEquals("<script>alert('x')</script> win a prize", wrong.get(0).text());
        assertEquals("spam", wrong.get(0).predictedLabel());
        assertEquals(0.9, wrong.get(0).confidence(), 1e-6);
        assertEquals("other & misc", wrong.get(1).trueLabel());
        assertEquals(0.7, wrong.get(1).confidence(), 1e-6);
    }

    @Test
    void reportIsSelfContainedEscapedAndHasCharts() throws Exception {
        HtmlReport.Output out = HtmlReport.write(data(), dir);
        String html = Files.readString(out.html());
        assertEquals(dir.resolve("report.html"), out.html());

        // nothing fetched from anywhere: every src/href is a data: URI or a fragment
        Matcher m = Pattern.compile("(?i)\\b(src|href)\\s*=\\s*[\"']?([^\"'\\s>]*)").matcher(html);
        int sources = 0;
        while (m.find()) {
            sources++;
            String target = m.group(2);
            assertTrue(target.startsWith("data:image/png;base64,") || target.startsWith("#"), () -> "external reference: " + target);
        }
        assertEquals(6, sources, "six embedded charts (the drift chart included)");
        assertTrue(html.contains("Forgetting monitor"), "the drift chart is labelled");
        assertFalse(Pattern.compile("(?i)<(script|link|iframe|object|embed)\\b").matcher(html).find(), "no scripts or linked resources");
        assertFalse(html.toLowerCase().contains("url("), "no CSS urls");
        assertEquals(6, html.split("src=\"data:image/png;base64,", -1).length - 1);

        // text is escaped
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; win a prize"), "misclassified text escaped");
        assertTrue(html.contains("other &amp; misc"));
        assertTrue(html.contains("run &lt;one&gt;"));
        assertTrue(html.contains("a&lt;b&gt;.csv"));
        assertTrue(html.contains("see https://example.com/x for details"), "URLs in data stay as text");

        // sections
        for (String s : List.of("Learning curves", "Confusion matrix (test, 4 examples)", "Per-class scores", "Most confident mistakes",
                "Class balance", "Provenance", "all-MiniLM-L6-v2", "macro average", "90.0%")) {
            assertTrue(html.contains(s), () -> s + " missing");
        }

        // PNGs on disk are images, and the same charts are embedded
        assertEquals(List.of("loss.png", "val_scores.png", "learning_rate.png", "drift.png", "confusion_matrix.png", "class_balance.png"),
                out.plots().stream().map(p -> p.getFileName().toString()).toList());
        for (Path png : out.plots()) {
            BufferedImage img = ImageIO.read(png.toFile());
            assertNotNull(img, png::toString);
            assertTrue(img.getWidth() >= 400 && img.getHeight() >= 300, png::toString);
        }
        String loss = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("plots/loss.png")));
        assertTrue(html.contains(loss), "loss.png is embedded");
    }

    @Test
    void twoClassReportsDrawRocAndPrecisionRecallCurvesWithTheTunedThreshold() throws Exception {
        List<String> names = List.of("ham", "spam");
        float[][] valP = {{0.9f, 0.1f}, {0.6f, 0.4f}, {0.7f, 0.3f}, {0.55f, 0.45f}, {0.8f, 0.2f}, {0.35f, 0.65f}, {0.95f, 0.05f}};
        int[] valY = {0, 1, 1, 0, 0, 1, 0};
        float[][] testP = {{0.85f, 0.15f}, {0.62f, 0.38f}, {0.4f, 0.6f}, {0.9f, 0.1f}, {0.66f, 0.34f}};
        int[] testY = {0, 1, 1, 0, 0};
        ClassificationTask task = (ClassificationTask) new ClassificationTask(names, null)
                .withDecisionThreshold(DecisionThreshold.tune(BinaryMetric.F1)).calibrated(valP, new Targets.Classes(valY));
        double t = task.decisionThreshold().value().orElseThrow();
        assertTrue(t > 0.2 && t <= 0.3, "F1 is best when all three validation spams (0.3, 0.4, 0.65) are caught: " + t);
        ClassificationMetrics val = task.score(valP, new Targets.Classes(valY));
        ClassificationMetrics test = task.score(testP, new Targets.Classes(testY));
        TextDataset data = TextDataset.of("test", List.of(TextExample.of("a", "ham"), TextExample.of("b", "spam"),
                TextExample.of("c", "spam"), TextExample.of("d", "ham"), TextExample.of("e", "ham")));
        List<MisclassifiedExample> wrong = MisclassifiedExample.worst(new SplitPredictions(data, testP), names, task::predict, 10);
        assertEquals(List.of("e"), wrong.stream().map(MisclassifiedExample::text).toList(),
                "mistakes as the threshold decides: 'e' (P(spam) 0.34) is taken for spam, 'b' (0.38) is caught");
        ReportData d = new ReportData("binary", data().fit(), val, Optional.of(test), wrong, "test", Map.of("ham", 30, "spam", 5), Map.of());
        HtmlReport.Output out = HtmlReport.write(d, dir);
        String html = Files.readString(out.html());
        List<String> plots = out.plots().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(plots.containsAll(List.of("roc.png", "precision_recall.png")), plots::toString);
        for (Path png : out.plots()) {
            assertNotNull(ImageIO.read(png.toFile()), png::toString);
        }
        for (String s : List.of("ROC and precision-recall (positive class: spam)", String.format(java.util.Locale.ROOT, "P(spam) ≥ %.4f", t),
                "The threshold maximises F1 of the positive class on the validation set", ">test ROC-AUC<", ">validation PR-AUC<",
                "ROC curve of the test split")) {
            assertTrue(html.contains(s), () -> s + " missing");
        }
        assertTrue(html.contains(">" + String.format(java.util.Locale.ROOT, "%.4f", test.value("roc_auc")) + "<"), "the test ROC-AUC in the table");
        String multi = HtmlReport.render(data(), HtmlReport.charts(data()));
        assertFalse(multi.contains("ROC and precision-recall") || HtmlReport.charts(data()).containsKey("roc"), "no curves for three classes");
    }

    @Test
    void singleEpochAndNoMistakesStillRender() throws Exception {
        FitResult fit = new FitResult(List.of(new EpochLog(1, 0.5, 0.4, 1.0, 1.0, 0.01, 0.1, true, 100, java.util.Map.of())), 1, Monitor.MACRO_F1, 1.0,
                false, 0.1);
        ClassificationMetrics val = ClassificationMetrics.of(new int[] {0, 1}, new int[] {0, 1}, List.of("a", "b"));
        ReportData d = new ReportData("r", fit, val, Optional.empty(), List.of(), "validation", Map.of(), Map.of());
        HtmlReport.Output out = HtmlReport.write(d, dir);
        String html = Files.readString(out.html());
        assertTrue(html.contains("No mistakes on this split.") && html.contains("No provenance recorded."));
        for (Path png : out.plots()) {
            assertNotNull(ImageIO.read(png.toFile()), png::toString);
        }
    }

    @Test
    void splitNamesLabelCardsTablesAndTheConfusionMatrix() {
        ReportData d = data().withSplitNames(new ReportData.SplitNames("source validation", "target"));
        String html = HtmlReport.render(d, HtmlReport.charts(d));
        assertTrue(html.contains(">source validation accuracy<") && html.contains(">target macro-F1<"), "cards");
        assertTrue(html.contains("Confusion matrix (target, 4 examples)") && html.contains("Target (4 examples)"), "matrix and per-class");
        assertFalse(html.contains("test accuracy") || html.contains("Test (4 examples)"), "no default names left");

        ReportData unrecorded = new ReportData("r", d.fit(), d.validation(), d.test(), List.of(), null, Map.of(), Map.of());
        String u = HtmlReport.render(unrecorded, HtmlReport.charts(unrecorded));
        assertTrue(u.contains("<h2>Most confident mistakes</h2>\n<p class=\"note\">Not recorded for this run.</p>"), "no claim of no mistakes");
        assertFalse(u.contains("No mistakes on this split."));
    }

    @Test
    void baselineSectionShowsTheCheckOnlyWhenItRan() throws Exception {
        String without = HtmlReport.render(data(), HtmlReport.charts(data()));
        assertFalse(without.contains("negative-transfer check"), "no section without a check");
        ClassificationMetrics model = ClassificationMetrics.of(new int[] {0, 1, 2, 2}, new int[] {1, 2, 0, 0}, LABELS);
        ClassificationMetrics majority = ClassificationMetrics.of(new int[] {0, 1, 2, 2}, new int[] {2, 2, 2, 2}, LABELS);
        ClassificationMetrics bow = ClassificationMetrics.of(new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 2}, LABELS);
        TransferCheck check = TransferCheck.judge("test", "spam <x>", majority, TransferCheck.Linear.BAG_OF_WORDS, bow, model);
        ReportData d = data().withBaselines(Optional.of(check));
        String html = HtmlReport.render(d, HtmlReport.charts(d));
        assertTrue(html.contains("<h2>Baselines (negative-transfer check)</h2>"), "section");
        assertTrue(html.contains("always &#39;spam &lt;x&gt;&#39;"), "escaped majority label");
        assertTrue(html.contains("<td>0.5000</td>") && html.contains("<td>1.0000</td>") && html.contains("<td>0.0000</td>"), "scores");
        assertTrue(html.contains("class=\"verdict negative\"") && html.contains("NEGATIVE TRANSFER"), "verdict");
        assertFalse(Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?(https?:)?//").matcher(html).find(), "still self-contained");
    }
}
