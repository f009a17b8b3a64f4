package dev.graft.report;

import dev.graft.metrics.BinaryClassScores;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.ConfusionMatrix;
import dev.graft.metrics.RankingMetrics;
import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn by XChart off screen (headless AWT) and encoded as PNG. */
public final class Charts {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final int WIDTH = 720;
    static final int HEIGHT = 400;
    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color VAL = new Color(0xff7f0e);
    private static final Color F1 = new Color(0x2ca02c);

    private Charts() {
    }

    /** Training and validation loss per epoch. */
    public static byte[] loss(FitResult fit) {
        XYChart c = xy("Loss per epoch", "epoch", "cross-entropy");
        double[] x = epochs(fit);
        series(c, "train loss", x, fit.history().stream().mapToDouble(EpochLog::trainLoss).toArray(), TRAIN);
        series(c, "validation loss", x, fit.history().stream().mapToDouble(EpochLog::valLoss).toArray(), VAL);
        return png(c);
    }

    /** Validation accuracy and macro-F1 per epoch. */
    public static byte[] validationScores(FitResult fit) {
        XYChart c = xy("Validation accuracy and macro-F1 per epoch (best epoch " + fit.bestEpoch() + ")", "epoch", "score");
        double[] x = epochs(fit);
        series(c, "accuracy", x, fit.history().stream().mapToDouble(EpochLog::valAccuracy).toArray(), VAL);
        series(c, "macro-F1", x, fit.history().stream().mapToDouble(EpochLog::valMacroF1).toArray(), F1);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        return png(c);
    }

    /** The learning rate per epoch. */
    public static byte[] learningRate(FitResult fit) {
        XYChart c = xy("Learning rate per epoch", "epoch", "learning rate");
        series(c, "learning rate", epochs(fit), fit.history().stream().mapToDouble(EpochLog::learningRate).toArray(), TRAIN);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setYAxisDecimalPattern("0.0E0");
        return png(c);
    }

    /** The forgetting monitor: ‖w − w₀‖ / ‖w₀‖ of each backbone layer group per epoch. */
    public static byte[] drift(FitResult fit) {
        XYChart c = xy("Distance from the pretrained weights per layer group", "epoch", "relative L2 distance");
        double[] x = epochs(fit);
        java.util.Set<String> groups = fit.history().get(fit.history().size() - 1).drift().keySet();
        for (String g : groups) {
            double[] y = fit.history().stream().mapToDouble(e -> e.drift().getOrDefault(g, 0.0)).toArray();
            c.addSeries(g, x, y);
        }
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        return png(c);
    }

    /** An LR finder curve: smoothed loss against the learning rate (log scale), with the suggestion marked. */
    public static byte[] lrFinder(java.util.List<Double> lrs, java.util.List<Double> losses, double suggestion) {
        XYChart c = xy("Learning-rate finder (suggestion " + String.format(java.util.Locale.ROOT, "%.2e", suggestion) + ")",
                "learning rate", "smoothed training loss");
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setXAxisDecimalPattern("0.0E0");
        series(c, "loss", lrs.stream().mapToDouble(Double::doubleValue).toArray(),
                losses.stream().mapToDouble(Double::doubleValue).toArray(), TRAIN);
        int k = 0;
        for (int i = 0; i < lrs.size(); i++) {
            if (Math.abs(Math.log(lrs.get(i) / suggestion)) < Math.abs(Math.log(lrs.get(k) / suggestion))) {
                k = i;
            }
        }
        series(c, "suggestion", new double[] {lrs.get(k)}, new double[] {losses.get(k)}, VAL);
        return png(c);
    }

    /** The confusion matrix as a heat map: rows (y) the true class, columns (x) the predicted class. */
    public static byte[] confusionMatrix(ClassificationMetrics m, String title) {
        List<String> labels = m.labels();
        int k = labels.size();
        int side = Math.max(420, Math.min(900, 160 + 70 * k));
        HeatMapChart c = new HeatMapChartBuilder().width(side + 120).height(side).title(title)
                .xAxisTitle("predicted").yAxisTitle("true").build();
        int[][] counts = m.confusionMatrix().counts();
        List<Number[]> heat = new ArrayList<>();
        int max = 1;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                heat.add(new Number[] {p, k - 1 - t, counts[t][p]}); // first true class at the top
                max = Math.max(max, counts[t][p]);
            }
        }
        List<String> reversed = new ArrayList<>(labels);
        java.util.Collections.reverse(reversed);
        c.addSeries("counts", new ArrayList<>(labels), reversed, heat);
        HeatMapStyler s = c.getStyler();
        s.setShowValue(true);
        s.setMin(0);
        s.setMax(max);
        s.setRangeColors(new Color[] {new Color(0xf7fbff), new Color(0x9ecae1), new Color(0x4292c6)});
        s.setValueFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        s.setValueFontColor(Color.DARK_GRAY);
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendVisible(true);
        return png(c);
    }

    /**
     * The ROC curve of a two-class classifier's positive class, with the chance diagonal and the operating point of its
     * decisions (argmax or threshold) marked.
     *
     * @throws IllegalArgumentException when {@code m} has no {@link ClassificationMetrics#binary()} scores
     */
    public static byte[] roc(ClassificationMetrics m, String title) {
        BinaryClassScores b = binary(m);
        RankingMetrics.RocCurve roc = b.ranking().roc();
        XYChart c = square(String.format(Locale.ROOT, "%s: ROC-AUC %.4f", title, b.rocAuc()), "false positive rate", "true positive rate");
        line(c, "chance", new double[] {0, 1}, new double[] {0, 1}, Color.LIGHT_GRAY);
        line(c, "ROC (positive: " + b.positiveLabel() + ")", roc.fpr(), roc.tpr(), TRAIN);
        ConfusionMatrix cm = m.confusionMatrix();
        int pos = m.labels().indexOf(b.positiveLabel());
        int neg = 1 - pos;
        double tpr = ratio(cm.count(pos, pos), cm.support(pos));
        double fpr = ratio(cm.count(neg, pos), cm.support(neg));
        point(c, "decision: " + b.decisionRule(), fpr, tpr);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        return png(c);
    }

    /**
     * The precision-recall curve of a two-class classifier's positive class (drawn as steps, as average precision
     * sums them), with the precision of a random ranking and the operating point of its decisions marked.
     *
     * @throws IllegalArgumentException when {@code m} has no {@link ClassificationMetrics#binary()} scores
     */
    public static byte[] precisionRecall(ClassificationMetrics m, String title) {
        BinaryClassScores b = binary(m);
        RankingMetrics.PrecisionRecallCurve pr = b.ranking().precisionRecall();
        XYChart c = square(String.format(Locale.ROOT, "%s: PR-AUC %.4f", title, b.prAuc()), "recall", "precision");
        double prevalence = (double) b.ranking().positives() / (b.ranking().positives() + b.ranking().negatives());
        line(c, "random ranking", new double[] {0, 1}, new double[] {prevalence, prevalence}, Color.LIGHT_GRAY);
        double[] r = pr.recall(), p = pr.precision();
        double[] x = new double[2 * r.length - 1], y = new double[x.length];
        for (int k = 0; k < r.length; k++) { // steps: precision p[k] holds until recall drops to r[k + 1]
            x[2 * k] = r[k];
            y[2 * k] = p[k];
            if (k + 1 < r.length) {
                x[2 * k + 1] = r[k + 1];
                y[2 * k + 1] = p[k];
            }
        }
        line(c, "precision-recall (positive: " + b.positiveLabel() + ")", x, y, TRAIN);
        ConfusionMatrix cm = m.confusionMatrix();
        int pos = m.labels().indexOf(b.positiveLabel());
        point(c, "decision: " + b.decisionRule(), ratio(cm.count(pos, pos), cm.support(pos)),
                ratio(cm.count(pos, pos), cm.predictedCount(pos)));
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        return png(c);
    }

    private static BinaryClassScores binary(ClassificationMetrics m) {
        return m.binary().orElseThrow(() -> new IllegalArgumentException(
                "ROC and precision-recall curves need a two-class classifier scored on both classes"));
    }

    private static XYChart square(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(HEIGHT + 120).height(HEIGHT + 60).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setXAxisMin(0.0);
        s.setXAxisMax(1.0);
        s.setYAxisMin(0.0);
        s.setYAxisMax(1.0);
        s.setXAxisDecimalPattern("0.0");
        s.setYAxisDecimalPattern("0.0");
        s.setMarkerSize(9);
        return c;
    }

    private static void line(XYChart c, String name, double[] x, double[] y, Color color) {
        XYSeries series = c.addSeries(name, x, y);
        series.setLineColor(color);
        series.setMarker(SeriesMarkers.NONE);
    }

    private static void point(XYChart c, String name, double x, double y) {
        XYSeries series = c.addSeries(name, new double[] {x}, new double[] {y});
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        series.setMarkerColor(VAL);
        series.setMarker(SeriesMarkers.DIAMOND);
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0 : (double) num / den;
    }

    /** Training examples per class as bars. */
    public static byte[] classBalance(Map<String, Integer> counts) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Training examples per class")
                .xAxisTitle("class").yAxisTitle("examples").build();
        List<String> names = new ArrayList<>(counts.keySet());
        List<Number> values = new ArrayList<>(counts.values());
        if (names.isEmpty()) {
            names.add("(none)");
            values.add(0);
        }
        c.addSeries("examples", names, values).setFillColor(TRAIN);
        CategoryStyler s = c.getStyler();
        s.setLegendVisible(false);
        s.setChartBackgroundColor(Color.WHITE);
        s.setLabelsVisible(true);
        s.setXAxisLabelRotation(names.size() > 6 ? 45 : 0);
        s.setYAxisDecimalPattern("#,##0");
        return png(c);
    }

    private static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setMarkerSize(6);
        s.setXAxisDecimalPattern("0");
        return c;
    }

    private static void series(XYChart c, String name, double[] x, double[] y, Color color) {
        XYSeries series = c.addSeries(name, x, y);
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(SeriesMarkers.CIRCLE);
    }

    private static double[] epochs(FitResult fit) {
        return fit.history().stream().mapToDouble(EpochLog::epoch).toArray();
    }

    /** Renders a chart to PNG bytes. */
    static byte[] png(Chart<?, ?> chart) {
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
