package dev.graft.report;

import dev.graft.metrics.ClassMetrics;
import dev.graft.metrics.BinaryClassScores;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.selection.TransferCheck;
import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import dev.graft.util.OptionalDependency;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code report.html} and {@code plots/*.png} for a training run. The HTML file stands alone: inline CSS, the
 * charts embedded as base64 PNG {@code data:} URIs, no scripts and no external URLs, so it opens offline and can be
 * mailed or archived as one file. Every text from the data (examples, labels, provenance) is HTML-escaped.
 */
public final class HtmlReport {

    /** The report's file name inside the output directory. */
    public static final String REPORT_FILE = "report.html";
    /** The folder of PNG charts inside the output directory. */
    public static final String PLOTS_DIR = "plots";

    /**
     * The files written.
     *
     * @param html  the report
     * @param plots the PNG charts
     */
    public record Output(Path html, List<Path> plots) {
    }

    private HtmlReport() {
    }

    /**
     * Renders the report into {@code dir} (created if needed): {@value #REPORT_FILE} and {@value #PLOTS_DIR}/
     * {@code loss.png, val_scores.png, learning_rate.png, confusion_matrix.png, class_balance.png}.
     */
    public static Output write(ReportData data, Path dir) throws IOException {
        return write(data, dir, List.of());
    }

    /**
     * An extra table shown after the summary (e.g. a hyperparameter search's trials).
     *
     * @param title   section heading
     * @param note    one line under the heading (may be empty)
     * @param headers column names
     * @param rows    cells as text, one list per row
     */
    public record Table(String title, String note, List<String> headers, List<List<String>> rows) {
        /** Copies the lists. */
        public Table {
            headers = List.copyOf(headers);
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    /** As {@link #write(ReportData, Path)}, with {@code tables} after the summary cards. */
    public static Output write(ReportData data, Path dir, List<Table> tables) throws IOException {
        OptionalDependency.require("the charts of HTML reports", OptionalDependency.XCHART);
        Map<String, byte[]> charts = charts(data);
        Path plots = Files.createDirectories(dir.resolve(PLOTS_DIR));
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : charts.entrySet()) {
            Path p = plots.resolve(e.getKey() + ".png");
            Files.write(p, e.getValue());
            written.add(p);
        }
        Path html = dir.resolve(REPORT_FILE);
        replaceFile(html, render(data, charts, tables));
        return new Output(html, List.copyOf(written));
    }

    /** The charts by file stem, in report order. */
    static Map<String, byte[]> charts(ReportData data) {
        Map<String, byte[]> charts = new LinkedHashMap<>();
        charts.put("loss", Charts.loss(data.fit()));
        charts.put("val_scores", Charts.validationScores(data.fit()));
        charts.put("learning_rate", Charts.learningRate(data.fit()));
        if (!data.fit().history().get(data.fit().history().size() - 1).drift().isEmpty()) {
            charts.put("drift", Charts.drift(data.fit()));
        }
        if (mainMetrics(data) instanceof ClassificationMetrics cm) {
            charts.put("confusion_matrix", Charts.confusionMatrix(cm, "Confusion matrix (" + mainSplit(data) + ")"));
            if (cm.binary().isPresent()) {
                charts.put("roc", Charts.roc(cm, "ROC (" + mainSplit(data) + ")"));
                charts.put("precision_recall", Charts.precisionRecall(cm, "Precision-recall (" + mainSplit(data) + ")"));
            }
        }
        if (!data.classCounts().isEmpty()) {
            charts.put("class_balance", Charts.classBalance(data.classCounts()));
        }
        return charts;
    }

    /** The HTML document. */
    static String render(ReportData data, Map<String, byte[]> charts) {
        return render(data, charts, List.of());
    }

    static String render(ReportData data, Map<String, byte[]> charts, List<Table> tables) {
        FitResult fit = data.fit();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Graft report: ").append(esc(data.runName())).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>Graft training report</h1>\n<p class=\"sub\">").append(esc(data.runName()));
        Object created = data.provenance().get("created_at");
        if (created != null) {
            h.append(" &middot; ").append(esc(created.toString()));
        }
        Object strategy = data.provenance().get("strategy");
        if (strategy != null) {
            h.append(" &middot; ").append(esc(strategy.toString()));
        }
        h.append("</p>\n");

        // summary cards
        h.append("<div class=\"cards\">\n");
        ReportData.SplitNames names = data.splitNames();
        List<String> headline = headline(data.validation());
        for (String k : headline) {
            card(h, names.validation() + " " + display(k), figure(k, data.validation().value(k)));
        }
        data.test().ifPresent(t -> {
            for (String k : headline) {
                card(h, names.test() + " " + display(k), figure(k, t.value(k)));
            }
        });
        card(h, "best epoch", fit.bestEpoch() + " of " + fit.history().size() + (fit.stoppedEarly() ? " (stopped early)" : ""));
        card(h, "training time", String.format(Locale.ROOT, "%.1f s", fit.seconds()));
        h.append("</div>\n");

        for (Table t : tables) {
            table(h, t);
        }
        data.baselines().ifPresent(b -> baselines(h, b, data.provenance().get("strategy")));

        h.append("<h2>Learning curves</h2>\n<div class=\"grid\">\n");
        img(h, charts, "loss", "Training and validation loss per epoch");
        img(h, charts, "val_scores", "Validation accuracy and macro-F1 per epoch");
        img(h, charts, "learning_rate", "Learning rate per epoch");
        if (charts.containsKey("drift")) {
            img(h, charts, "drift", "Forgetting monitor: relative distance of each layer group from its pretrained weights");
        }
        h.append("</div>\n");
        epochTable(h, fit);

        if (mainMetrics(data) instanceof ClassificationMetrics main) {
            classificationSections(h, data, charts, main);
        } else {
            h.append("<h2>Scores</h2>\n");
            scores(h, capitalized(names.validation()), data.validation());
            data.test().ifPresent(t -> scores(h, capitalized(names.test()), t));
            data.entities().ifPresent(a -> EntityReport.sections(h, data, a, charts));
            data.answers().ifPresent(a -> AnswerReport.sections(h, a));
        }

        h.append("<h2>Provenance</h2>\n");
        if (data.provenance().isEmpty()) {
            h.append("<p class=\"note\">No provenance recorded.</p>\n");
        } else {
            h.append("<table class=\"kv\">\n");
            for (Map.Entry<String, Object> e : data.provenance().entrySet()) {
                h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>");
                value(h, e.getValue());
                h.append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<p class=\"foot\">Written by Graft. This file is self-contained: it loads nothing from the network.</p>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /** The confusion matrix, per-class scores, worst mistakes and class balance of a single-label classifier. */
    private static void classificationSections(StringBuilder h, ReportData data, Map<String, byte[]> charts, ClassificationMetrics main) {
        ReportData.SplitNames names = data.splitNames();
        String mainName = mainSplit(data);
        h.append("<h2>Confusion matrix (").append(mainName).append(", ").append(main.n()).append(" examples)</h2>\n");
        h.append("<p class=\"note\">Rows: true class; columns: predicted class. Shading is the share of the row.</p>\n");
        h.append("<div class=\"grid\">\n");
        confusionTable(h, main);
        img(h, charts, "confusion_matrix", "Confusion matrix heat map");
        h.append("</div>\n");

        main.binary().ifPresent(b -> ranking(h, data, charts, mainName, b));

        h.append("<h2>Per-class scores</h2>\n");
        perClass(h, capitalized(names.validation()), (ClassificationMetrics) data.validation());
        data.test().ifPresent(t -> perClass(h, capitalized(names.test()), (ClassificationMetrics) t));

        if (data.misclassifiedSplit() == null) {
            h.append("<h2>Most confident mistakes</h2>\n<p class=\"note\">Not recorded for this run.</p>\n");
        } else {
            h.append("<h2>Most confident mistakes (").append(esc(data.misclassifiedSplit())).append(")</h2>\n");
            misclassified(h, data.misclassified());
        }

        h.append("<h2>Class balance (training data)</h2>\n<div class=\"grid\">\n");
        img(h, charts, "class_balance", "Training examples per class");
        classCounts(h, data.classCounts(), "class", "examples");
        h.append("</div>\n");

    }

    /** The metrics the test split is summarised by when there is one, else the validation split's. */
    private static TaskMetrics mainMetrics(ReportData data) {
        return data.test().isPresent() ? data.test().get() : data.validation();
    }

    /** The figures shown as cards: accuracy and macro-F1, or the task's first figures. */
    private static List<String> headline(TaskMetrics m) {
        if (m instanceof ClassificationMetrics c) {
            return c.binary().isPresent() ? List.of("accuracy", "macro_f1", "roc_auc", "pr_auc") : List.of("accuracy", "macro_f1");
        }
        return m.values().keySet().stream().limit(4).toList();
    }

    private static String display(String key) {
        return switch (key) {
            case "accuracy" -> "accuracy";
            case "macro_f1" -> "macro-F1";
            case "micro_f1" -> "micro-F1";
            case "map" -> "mAP";
            case "roc_auc" -> "ROC-AUC";
            case "pr_auc" -> "PR-AUC";
            case "f1" -> "F1 of the positive class";
            case "mcc" -> "MCC";
            case "r2" -> "R²";
            case "rmse" -> "RMSE";
            case "mae" -> "MAE";
            default -> key.replace('_', ' ');
        };
    }

    /** Scores in [0, 1] as percentages, errors and correlations as numbers. */
    private static String figure(String key, double v) {
        return switch (key) {
            case "rmse", "mae", "pearson", "spearman", "r2", "loss", "log_loss", "hamming_loss" -> num(v);
            default -> pct(v);
        };
    }

    /** Every named figure of a task's metrics, and its per-label (or per-output) table when it has one. */
    private static void scores(StringBuilder h, String title, TaskMetrics m) {
        h.append("<h3>").append(esc(title)).append(" (").append(m.n()).append(" examples)</h3>\n<table class=\"kv\">\n");
        m.values().forEach((k, v) -> h.append("<tr><th>").append(esc(display(k))).append("</th>").append(td(num(v))).append("</tr>\n"));
        h.append("</table>\n");
        for (Map.Entry<String, Object> e : m.toMap().entrySet()) {
            if (e.getValue() instanceof List<?> rows && !rows.isEmpty() && rows.get(0) instanceof Map<?, ?> first) {
                h.append("<table>\n<tr>");
                first.keySet().forEach(c -> h.append("<th>").append(esc(String.valueOf(c))).append("</th>"));
                h.append("</tr>\n");
                for (Object row : rows) {
                    h.append("<tr>");
                    ((Map<?, ?>) row).values().forEach(v -> h.append(td(v instanceof Number n && !(v instanceof Integer)
                            && !(v instanceof Long) ? num(n.doubleValue()) : String.valueOf(v))));
                    h.append("</tr>\n");
                }
                h.append("</table>\n");
            }
        }
    }

    /** The split the confusion matrix shows: test when there is one. */
    private static String mainSplit(ReportData data) {
        return data.test().isPresent() ? data.splitNames().test() : data.splitNames().validation();
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static void table(StringBuilder h, Table t) {
        h.append("<h2>").append(esc(t.title())).append("</h2>\n");
        if (!t.note().isEmpty()) {
            h.append("<p class=\"note\">").append(esc(t.note())).append("</p>\n");
        }
        h.append("<table>\n<tr>");
        for (String c : t.headers()) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr>\n");
        for (List<String> row : t.rows()) {
            h.append("<tr>");
            for (String c : row) {
                h.append(td(c));
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** The negative-transfer check: the baselines' and the model's scores, and the verdict. */
    private static void baselines(StringBuilder h, TransferCheck b, Object strategy) {
        h.append("<h2>Baselines (negative-transfer check)</h2>\n<p class=\"note\">Two cheap models trained on the same training"
                + " split and scored on the ").append(esc(b.split())).append(" split (").append(b.model().n())
                .append(" examples). A gap in accuracy counts above ").append(String.format(Locale.ROOT, "%.1f", 100 * b.threshold()))
                .append(" points: the larger of 2 points and 2 standard errors.</p>\n");
        h.append("<table>\n<tr><th></th><th>accuracy</th><th>macro-F1</th></tr>\n");
        baselineRow(h, TransferCheck.MAJORITY + " (always '" + b.majorityLabel() + "')", b.majority());
        baselineRow(h, b.linearKind().displayName() + " (" + b.linearKind().features() + ")", b.linear());
        baselineRow(h, "this model", b.model());
        h.append("</table>\n");
        h.append("<p class=\"verdict ").append(b.verdict().key()).append("\">");
        List<String> lines = b.summary(strategy == null ? null : strategy.toString());
        for (int i = 0; i < lines.size(); i++) {
            h.append(i == 0 ? "" : "<br>\n").append(esc(lines.get(i)));
        }
        h.append("</p>\n");
    }

    private static void baselineRow(StringBuilder h, String name, ClassificationMetrics m) {
        h.append("<tr><th>").append(esc(name)).append("</th>").append(td(num(m.accuracy()))).append(td(num(m.macroF1())))
                .append("</tr>\n");
    }

    private static void card(StringBuilder h, String label, String value) {
        h.append("<div class=\"card\"><div class=\"v\">").append(esc(value)).append("</div><div class=\"l\">")
                .append(esc(label)).append("</div></div>\n");
    }

    static void img(StringBuilder h, Map<String, byte[]> charts, String key, String alt) {
        byte[] png = charts.get(key);
        if (png == null) {
            return;
        }
        h.append("<figure><img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\"></figure>\n");
    }

    private static void epochTable(StringBuilder h, FitResult fit) {
        // classification: accuracy and macro-F1; a task without accuracy (entities, labels, values): its first figures
        Map<String, Double> first = fit.history().get(0).valMetrics();
        List<String> figures = first.isEmpty() || first.containsKey("accuracy") ? List.of("accuracy", "macro_f1")
                : first.keySet().stream().limit(3).toList();
        h.append("<details><summary>Per-epoch figures</summary>\n<table>\n<tr><th>epoch</th><th>train loss</th><th>val loss</th>");
        figures.forEach(f -> h.append("<th>val ").append(esc(display(f))).append("</th>"));
        h.append("<th>learning rate</th><th>seconds</th></tr>\n");
        for (EpochLog e : fit.history()) {
            h.append(e.epoch() == fit.bestEpoch() ? "<tr class=\"best\">" : "<tr>")
                    .append(td(Integer.toString(e.epoch()))).append(td(num(e.trainLoss()))).append(td(num(e.valLoss())));
            for (String f : figures) {
                h.append(td(num(f.equals("accuracy") ? e.valAccuracy() : f.equals("macro_f1") && !e.valMetrics().containsKey(f)
                        ? e.valMacroF1() : e.valMetrics().getOrDefault(f, Double.NaN))));
            }
            h.append(td(String.format(Locale.ROOT, "%.3g", e.learningRate())))
                    .append(td(String.format(Locale.ROOT, "%.2f", e.seconds()))).append("</tr>\n");
        }
        h.append("</table>\n<p class=\"note\">The highlighted row is the best epoch, whose weights were kept.</p></details>\n");
    }

    private static void confusionTable(StringBuilder h, ClassificationMetrics m) {
        int[][] counts = m.confusionMatrix().counts();
        List<String> labels = m.labels();
        h.append("<table class=\"cm\">\n<tr><th>true \\ predicted</th>");
        for (String l : labels) {
            h.append("<th>").append(esc(l)).append("</th>");
        }
        h.append("</tr>\n");
        for (int t = 0; t < labels.size(); t++) {
            long row = 0;
            for (int c : counts[t]) {
                row += c;
            }
            h.append("<tr><th>").append(esc(labels.get(t))).append("</th>");
            for (int p = 0; p < labels.size(); p++) {
                double share = row == 0 ? 0 : (double) counts[t][p] / row;
                String bg = t == p ? heat(share, 46, 160, 67) : heat(share, 214, 39, 40);
                h.append("<td style=\"background:").append(bg).append(share > 0.6 ? ";color:#fff" : "").append("\">")
                        .append(counts[t][p]).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    static String heat(double share, int r, int g, int b) {
        double a = 0.08 + 0.92 * share;
        return String.format(Locale.ROOT, "rgba(%d,%d,%d,%.2f)", r, g, b, share == 0 ? 0.0 : a);
    }

    /**
     * A two-class classifier's ranking of its positive class: ROC-AUC and PR-AUC of each split, the decision rule (and
     * what a tuned threshold optimises), and the ROC and precision-recall curves of the main split.
     */
    private static void ranking(StringBuilder h, ReportData data, Map<String, byte[]> charts, String mainName, BinaryClassScores main) {
        ReportData.SplitNames names = data.splitNames();
        h.append("<h2>ROC and precision-recall (positive class: ").append(esc(main.positiveLabel())).append(")</h2>\n");
        h.append("<p class=\"note\">Decision: ").append(esc(main.decisionRule()));
        if (main.threshold().isPresent() && main.tunedFor().isPresent()) {
            h.append(". The threshold maximises ").append(esc(display(main.tunedFor().get().key())))
                    .append(" on the validation set; the test figures apply it unchanged");
        }
        h.append(". The diamond marks where these decisions sit on each curve.</p>\n");
        h.append("<table>\n<tr><th>split</th><th>ROC-AUC</th><th>PR-AUC</th><th>positives</th><th>negatives</th></tr>\n");
        rankingRow(h, capitalized(names.validation()), data.validation());
        data.test().ifPresent(t -> rankingRow(h, capitalized(names.test()), t));
        h.append("</table>\n<div class=\"grid\">\n");
        img(h, charts, "roc", "ROC curve of the " + mainName + " split");
        img(h, charts, "precision_recall", "Precision-recall curve of the " + mainName + " split");
        h.append("</div>\n");
    }

    private static void rankingRow(StringBuilder h, String split, TaskMetrics m) {
        if (m instanceof ClassificationMetrics c && c.binary().isPresent()) {
            BinaryClassScores b = c.binary().get();
            h.append("<tr><th>").append(esc(split)).append("</th>").append(td(num(b.rocAuc()))).append(td(num(b.prAuc())))
                    .append(td(Long.toString(b.ranking().positives()))).append(td(Long.toString(b.ranking().negatives())))
                    .append("</tr>\n");
        }
    }

    private static void perClass(StringBuilder h, String title, ClassificationMetrics m) {
        h.append("<h3>").append(esc(title)).append(" (").append(m.n()).append(" examples)</h3>\n<table>\n")
                .append("<tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n");
        for (ClassMetrics c : m.perClass()) {
            h.append("<tr><th>").append(esc(c.label())).append("</th>").append(td(num(c.precision())))
                    .append(td(num(c.recall()))).append(td(num(c.f1()))).append(td(Long.toString(c.support()))).append("</tr>\n");
        }
        h.append("<tr class=\"avg\"><th>macro average</th>").append(td(num(m.macroPrecision()))).append(td(num(m.macroRecall())))
                .append(td(num(m.macroF1()))).append(td(Long.toString(m.n()))).append("</tr>\n");
        h.append("<tr class=\"avg\"><th>weighted average</th>").append(td(num(m.weightedPrecision())))
                .append(td(num(m.weightedRecall()))).append(td(num(m.weightedF1()))).append(td(Long.toString(m.n())))
                .append("</tr>\n</table>\n");
        h.append("<p class=\"note\">Accuracy ").append(num(m.accuracy()));
        m.logLoss().ifPresent(l -> h.append(", log loss ").append(num(l)));
        h.append(".</p>\n");
    }

    private static void misclassified(StringBuilder h, List<MisclassifiedExample> wrong) {
        if (wrong.isEmpty()) {
            h.append("<p class=\"note\">No mistakes on this split.</p>\n");
            return;
        }
        boolean images = wrong.stream().anyMatch(e -> e.image() != null);
        h.append("<table class=\"mis\">\n<tr><th>#</th>").append(images ? "<th>image</th><th>file</th>" : "<th>text</th>")
                .append("<th>true</th><th>predicted</th><th>confidence</th></tr>\n");
        int i = 1;
        for (MisclassifiedExample e : wrong) {
            h.append("<tr>").append(td(Integer.toString(i++)));
            if (images) {
                h.append("<td class=\"thumb\">");
                if (e.image() != null && e.image().startsWith("data:image/png;base64,")) {
                    h.append("<img alt=\"").append(esc(e.text())).append("\" src=\"").append(esc(e.image())).append("\">");
                }
                h.append("</td>");
            }
            h.append("<td class=\"text\">").append(esc(e.text())).append("</td>")
                    .append(td(e.trueLabel())).append(td(e.predictedLabel())).append(td(pct(e.confidence()))).append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** The counts of the training data by class (or entity type), with their shares; {@code what} and {@code unit} head the columns. */
    static void classCounts(StringBuilder h, Map<String, Integer> counts, String what, String unit) {
        long total = counts.values().stream().mapToLong(Integer::longValue).sum();
        h.append("<table>\n<tr><th>").append(esc(what)).append("</th><th>").append(esc(unit)).append("</th><th>share</th></tr>\n");
        counts.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th>").append(td(Integer.toString(v)))
                .append(td(total == 0 ? "-" : pct((double) v / total))).append("</tr>\n"));
        h.append("<tr class=\"avg\"><th>total</th>").append(td(Long.toString(total))).append(td("")).append("</tr>\n</table>\n");
    }

    /** A provenance value: maps as nested key/value tables, lists as lines, scalars as text. */
    private static void value(StringBuilder h, Object v) {
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                h.append("<span class=\"note\">(none)</span>");
                return;
            }
            h.append("<table class=\"kv nested\">");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                h.append("<tr><th>").append(esc(String.valueOf(e.getKey()))).append("</th><td>");
                value(h, e.getValue());
                h.append("</td></tr>");
            }
            h.append("</table>");
        } else if (v instanceof List<?> l) {
            if (l.stream().allMatch(x -> !(x instanceof Map) && !(x instanceof List))) {
                h.append("<code>").append(esc(String.join(" ", l.stream().map(String::valueOf).toList()))).append("</code>");
            } else {
                for (Object x : l) {
                    value(h, x);
                }
            }
        } else {
            h.append(v == null ? "<span class=\"note\">null</span>" : esc(String.valueOf(v)));
        }
    }

    static String td(String text) {
        return "<td>" + esc(text) + "</td>";
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** Escapes text for HTML element content and double-quoted attribute values. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font-family:-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;margin:2rem auto;max-width:1200px;
            padding:0 1rem;color:#222;line-height:1.4}
            h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
            .sub{color:#666;margin-top:0}.note{color:#666;font-size:.9rem}.foot{color:#999;font-size:.8rem;margin-top:3rem}
            .cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
            .card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:9rem;background:#fafafa}
            .card .v{font-size:1.4rem;font-weight:600}.card .l{color:#666;font-size:.85rem}
            .grid{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
            figure{margin:0}img{max-width:100%;height:auto;border:1px solid #eee}
            table{border-collapse:collapse;margin:.5rem 0;font-size:.92rem}
            th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:right;vertical-align:top}
            th{background:#f4f4f4;text-align:left}
            tr.best td{background:#e8f5e9;font-weight:600}tr.avg td,tr.avg th{background:#f9f9f9;font-style:italic}
            table.cm td{text-align:center;min-width:3rem}
            table.mis td.text{text-align:left;max-width:40rem;white-space:pre-wrap;word-break:break-word}
            table.mis td.thumb{text-align:center}table.mis td.thumb img{image-rendering:pixelated;border:1px solid #ccc}
            table.kv td{text-align:left;word-break:break-all}table.kv.nested{margin:0;font-size:.85rem}
            code{font-size:.85rem}details{margin:.5rem 0}
            mark{padding:0 .15rem;border-radius:3px}mark sub{font-size:.7rem;margin-left:.15rem;color:#444}
            mark.ok{background:#c8e6c9}mark.miss{background:#ffe0b2}mark.bad{background:#ffcdd2}
            table.ner td.text{line-height:1.9}
            .verdict{padding:.4rem .8rem;border-left:4px solid #2e7d32;background:#f1f8e9}
            .verdict.unclear{border-color:#f9a825;background:#fffde7}
            .verdict.negative{border-color:#c62828;background:#ffebee;font-weight:600}
            """;

    /** Writes via a temporary sibling and an atomic rename, with the default (umask) permissions. */
    static void replaceFile(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
