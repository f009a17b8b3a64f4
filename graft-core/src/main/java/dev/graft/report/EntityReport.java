package dev.graft.report;

import static dev.graft.report.HtmlReport.esc;

import dev.graft.data.tokens.EntitySpan;
import dev.graft.metrics.EntityConfusion;
import dev.graft.metrics.EntityMetrics;
import dev.graft.metrics.TaskMetrics;
import java.util.List;
import java.util.Map;

/**
 * The sections of a named-entity tagger's report: per-type precision, recall and F1 of each split, the confusion
 * between entity types and the worst sentences with their gold and predicted entities highlighted. Every text from
 * the data is HTML-escaped.
 */
final class EntityReport {

    private EntityReport() {
    }

    /** Appends the sections to {@code h}. */
    static void sections(StringBuilder h, ReportData data, EntityAnalysis a, Map<String, byte[]> charts) {
        ReportData.SplitNames names = data.splitNames();
        h.append("<h2>Per-type scores</h2>\n<p class=\"note\">Entity level: an entity counts as found only with its exact"
                + " words and type (seqeval's default mode, as conlleval).</p>\n");
        perType(h, names.validation(), data.validation());
        data.test().ifPresent(t -> perType(h, names.test(), t));
        confusion(h, a);
        worst(h, a);
        if (!data.classCounts().isEmpty()) {
            h.append("<h2>Entities per type (training data)</h2>\n<div class=\"grid\">\n");
            HtmlReport.img(h, charts, "class_balance", "Training entities per type");
            HtmlReport.classCounts(h, data.classCounts(), "type", "entities");
            h.append("</div>\n");
        }
    }

    private static void perType(StringBuilder h, String split, TaskMetrics metrics) {
        if (!(metrics instanceof EntityMetrics.Scores s)) {
            return;
        }
        h.append("<h3>").append(esc(capitalized(split))).append(" (").append(s.micro().gold()).append(" entities, ")
                .append(s.tokens()).append(" tokens)</h3>\n<table>\n<tr><th>type</th><th>precision</th><th>recall</th>"
                        + "<th>F1</th><th>gold</th><th>predicted</th><th>correct</th></tr>\n");
        for (EntityMetrics.TypeScores t : s.perType()) {
            row(h, "<tr>", t.type(), t);
        }
        row(h, "<tr class=\"avg\">", "micro average", s.micro());
        h.append("<tr class=\"avg\"><th>macro average</th>").append(HtmlReport.td(HtmlReport.num(s.macroPrecision())))
                .append(HtmlReport.td(HtmlReport.num(s.macroRecall()))).append(HtmlReport.td(HtmlReport.num(s.macroF1())))
                .append("<td></td><td></td><td></td></tr>\n</table>\n");
        h.append("<p class=\"note\">Token accuracy ").append(HtmlReport.num(s.tokenAccuracy())).append(".</p>\n");
    }

    private static void row(StringBuilder h, String tr, String name, EntityMetrics.TypeScores t) {
        h.append(tr).append("<th>").append(esc(name)).append("</th>").append(HtmlReport.td(HtmlReport.num(t.precision())))
                .append(HtmlReport.td(HtmlReport.num(t.recall()))).append(HtmlReport.td(HtmlReport.num(t.f1())))
                .append(HtmlReport.td(Integer.toString(t.gold()))).append(HtmlReport.td(Integer.toString(t.predicted())))
                .append(HtmlReport.td(Integer.toString(t.correct()))).append("</tr>\n");
    }

    private static void confusion(StringBuilder h, EntityAnalysis a) {
        EntityConfusion c = a.confusion();
        List<String> rows = c.rowLabels();
        List<String> cols = c.columnLabels();
        h.append("<h2>Confusion between entity types (").append(esc(a.split())).append(")</h2>\n<p class=\"note\">Rows: gold"
                + " type; columns: the type of the predicted entity that matches it exactly, else overlaps it most;"
                + " " + esc(EntityConfusion.MISSED) + ": no predicted entity overlaps it; row " + esc(EntityConfusion.SPURIOUS)
                + ": predicted entities overlapping no gold entity. The diagonal counts the right type, boundary errors"
                + " included (exact matches in brackets). Shading is the share of the row.</p>\n");
        h.append("<table class=\"cm\">\n<tr><th>gold \\ predicted</th>");
        cols.forEach(l -> h.append("<th>").append(esc(l)).append("</th>"));
        h.append("</tr>\n");
        for (int r = 0; r < rows.size(); r++) {
            long total = 0;
            for (long v : c.counts()[r]) {
                total += v;
            }
            h.append("<tr><th>").append(esc(rows.get(r))).append("</th>");
            for (int k = 0; k < cols.size(); k++) {
                long v = c.counts()[r][k];
                double share = total == 0 ? 0 : (double) v / total;
                String bg = r == k ? HtmlReport.heat(share, 46, 160, 67) : HtmlReport.heat(share, 214, 39, 40);
                h.append("<td style=\"background:").append(bg).append(share > 0.6 ? ";color:#fff" : "").append("\">").append(v);
                if (r == k && r < c.types().size()) {
                    h.append(" (").append(c.exact()[r]).append(')');
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void worst(StringBuilder h, EntityAnalysis a) {
        h.append("<h2>Sentences with the most entity errors (").append(esc(a.split())).append(")</h2>\n");
        if (a.worst().isEmpty()) {
            h.append("<p class=\"note\">Every entity of the ").append(a.sentences()).append(" sentences was found exactly.</p>\n");
            return;
        }
        h.append("<p class=\"note\">The ").append(a.worst().size()).append(" of ").append(a.sentences()).append(" sentences"
                + " with the most gold entities not found exactly plus predicted entities not in the gold ones."
                + " <mark class=\"ok\">found</mark> <mark class=\"miss\">missed</mark> <mark class=\"bad\">wrong</mark>"
                + "</p>\n<table class=\"mis ner\">\n<tr><th>sentence</th><th>errors</th><th></th><th>entities</th></tr>\n");
        for (EntityAnalysis.Sentence s : a.worst()) {
            h.append("<tr>").append(HtmlReport.td(Integer.toString(s.index() + 1))).append(HtmlReport.td(Integer.toString(s.errors())))
                    .append("<th>gold<br>predicted</th><td class=\"text\">");
            highlighted(h, s, s.gold(), "miss");
            h.append("<br>");
            highlighted(h, s, s.predicted(), "bad");
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** The words with {@code spans} marked: {@code ok} when matched exactly, else {@code wrongClass}. */
    private static void highlighted(StringBuilder h, EntityAnalysis.Sentence s, List<EntitySpan> spans, String wrongClass) {
        EntitySpan[] at = new EntitySpan[s.words().size()];
        for (EntitySpan e : spans) {
            at[e.first()] = e;
        }
        for (int w = 0; w < s.words().size(); w++) {
            if (w > 0) {
                h.append(' ');
            }
            EntitySpan e = at[w];
            if (e == null) {
                h.append(esc(s.words().get(w)));
                continue;
            }
            h.append("<mark class=\"").append(s.matched(e) ? "ok" : wrongClass).append("\">");
            for (int k = e.first(); k <= e.last(); k++) {
                h.append(k > e.first() ? " " : "").append(esc(s.words().get(k)));
            }
            h.append("<sub>").append(esc(e.type())).append("</sub></mark>");
            w = e.last();
        }
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
