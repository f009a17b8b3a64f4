package dev.graft.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pixel-level scores of semantic segmentation, from a confusion matrix over every pixel whose gold class is not
 * ignored (negative gold classes are skipped): per-class IoU ({@code tp / (tp + fp + fn)}) and Dice
 * ({@code 2tp / (2tp + fp + fn)}), their means over the classes that occur in the gold or the prediction (a class in
 * neither has no score), pixel accuracy, and for two classes the foreground (class 1) Dice.
 */
public final class SegmentationMetrics implements TaskMetrics {

    private final List<String> classes;
    private final long[][] confusion; // [gold][pred]
    private long pixels;

    /** An empty tally over {@code classes} (index = class); add masks with {@link #add}. */
    public SegmentationMetrics(List<String> classes) {
        if (classes.size() < 2) {
            throw new IllegalArgumentException("segmentation needs at least 2 classes, got " + classes);
        }
        this.classes = List.copyOf(classes);
        this.confusion = new long[classes.size()][classes.size()];
    }

    /**
     * Counts one mask: {@code gold[p]} against {@code predicted[p]} for every pixel {@code p} whose gold class is ≥ 0.
     *
     * @return this
     */
    public SegmentationMetrics add(int[] gold, int[] predicted) {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException("gold mask has " + gold.length + " pixels, prediction " + predicted.length);
        }
        for (int p = 0; p < gold.length; p++) {
            if (gold[p] >= 0) {
                int pred = predicted[p];
                if (pred < 0 || pred >= classes.size() || gold[p] >= classes.size()) {
                    throw new IllegalArgumentException("class index out of range at pixel " + p + ": gold " + gold[p] + ", predicted " + pred);
                }
                confusion[gold[p]][pred]++;
                pixels++;
            }
        }
        return this;
    }

    /** The class names. */
    public List<String> classes() {
        return classes;
    }

    /** IoU of class {@code c}, NaN when it occurs in neither gold nor prediction. */
    public double iou(int c) {
        long tp = confusion[c][c];
        long union = goldCount(c) + predictedCount(c) - tp;
        return union == 0 ? Double.NaN : (double) tp / union;
    }

    /** Dice (F1) of class {@code c}, NaN when it occurs in neither gold nor prediction. */
    public double dice(int c) {
        long tp = confusion[c][c];
        long both = goldCount(c) + predictedCount(c);
        return both == 0 ? Double.NaN : 2.0 * tp / both;
    }

    /** Mean IoU over the classes that have one. */
    public double meanIou() {
        return meanOver(this::iou);
    }

    /** Mean Dice over the classes that have one. */
    public double meanDice() {
        return meanOver(this::dice);
    }

    /** Fraction of counted pixels predicted right; NaN with none. */
    public double pixelAccuracy() {
        long right = 0;
        for (int c = 0; c < classes.size(); c++) {
            right += confusion[c][c];
        }
        return pixels == 0 ? Double.NaN : (double) right / pixels;
    }

    /** Dice of class 1 for a two-class task; NaN otherwise. */
    public double foregroundDice() {
        return classes.size() == 2 ? dice(1) : Double.NaN;
    }

    private double meanOver(java.util.function.IntToDoubleFunction f) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < classes.size(); c++) {
            double v = f.applyAsDouble(c);
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private long goldCount(int c) {
        long s = 0;
        for (long v : confusion[c]) {
            s += v;
        }
        return s;
    }

    private long predictedCount(int c) {
        long s = 0;
        for (long[] row : confusion) {
            s += row[c];
        }
        return s;
    }

    @Override
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (classes.size() == 2) {
            m.put("foreground_dice", foregroundDice());
        }
        m.put("mean_iou", meanIou());
        m.put("mean_dice", meanDice());
        m.put("pixel_accuracy", pixelAccuracy());
        return m;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(values());
        List<Map<String, Object>> per = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", classes.get(c));
            row.put("iou", iou(c));
            row.put("dice", dice(c));
            row.put("gold_pixels", goldCount(c));
            row.put("predicted_pixels", predictedCount(c));
            per.add(row);
        }
        m.put("per_class", per);
        m.put("pixels", pixels);
        return m;
    }

    @Override
    public long n() {
        return pixels;
    }

    @Override
    public String toTable() {
        StringBuilder b = new StringBuilder(TaskMetrics.super.toTable());
        for (int c = 0; c < classes.size(); c++) {
            b.append(String.format(java.util.Locale.ROOT, "  %-18s IoU %.4f  Dice %.4f%n", classes.get(c), iou(c), dice(c)));
        }
        return b.toString();
    }
}
