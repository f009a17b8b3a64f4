package dev.graft.metrics;

import java.util.List;
import java.util.Locale;

/** Renders {@link ClassificationMetrics} as a fixed-width text report in the style of scikit-learn's. */
final class MetricsTable {

    private MetricsTable() {
    }

    static String render(ClassificationMetrics m) {
        List<String> labels = m.labels();
        int w = "weighted avg".length();
        for (String l : labels) {
            w = Math.max(w, l.length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(pad("", w)).append(String.format(Locale.ROOT, " %10s %10s %10s %10s%n",
                "precision", "recall", "f1-score", "support"));
        sb.append(System.lineSeparator());
        for (ClassMetrics c : m.perClass()) {
            sb.append(row(w, c.label(), c.precision(), c.recall(), c.f1(), c.support()));
        }
        sb.append(System.lineSeparator());
        sb.append(pad("accuracy", w)).append(String.format(Locale.ROOT, " %10s %10s %10.4f %10d%n", "", "",
                m.accuracy(), m.n()));
        sb.append(row(w, "macro avg", m.macroPrecision(), m.macroRecall(), m.macroF1(), m.n()));
        sb.append(row(w, "weighted avg", m.weightedPrecision(), m.weightedRecall(), m.weightedF1(), m.n()));
        if (m.logLoss().isPresent()) {
            sb.append(pad("log loss", w)).append(String.format(Locale.ROOT, " %10.4f%n", m.logLoss().getAsDouble()));
        }
        if (m.binary().isPresent()) {
            BinaryClassScores b = m.binary().get();
            sb.append(pad("ROC-AUC", w)).append(String.format(Locale.ROOT, " %10.4f   (positive class: %s)%n", b.rocAuc(), b.positiveLabel()));
            sb.append(pad("PR-AUC", w)).append(String.format(Locale.ROOT, " %10.4f%n", b.prAuc()));
            sb.append(pad("decision", w)).append(' ').append(b.decisionRule()).append(System.lineSeparator());
        }
        sb.append(System.lineSeparator()).append("Confusion matrix (rows = true, columns = predicted):")
                .append(System.lineSeparator());
        int[][] counts = m.confusionMatrix().counts();
        int cw = 1;
        for (int i = 0; i < counts.length; i++) {
            cw = Math.max(cw, labels.get(i).length());
            for (int v : counts[i]) {
                cw = Math.max(cw, Integer.toString(v).length());
            }
        }
        sb.append(pad("", w));
        for (String l : labels) {
            sb.append(' ').append(pad(l, cw));
        }
        sb.append(System.lineSeparator());
        for (int i = 0; i < counts.length; i++) {
            sb.append(pad(labels.get(i), w));
            for (int v : counts[i]) {
                sb.append(' ').append(pad(Integer.toString(v), cw));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static String row(int w, String name, double p, double r, double f, long support) {
        return pad(name, w) + String.format(Locale.ROOT, " %10.4f %10.4f %10.4f %10d%n", p, r, f, support);
    }

    /** Right-aligns {@code s} in {@code width} columns. */
    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
