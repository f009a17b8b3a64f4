package dev.graft.report;

import static dev.graft.report.HtmlReport.esc;

import dev.graft.data.qa.SquadAnswer;
import dev.graft.metrics.SquadMetrics;
import java.util.Locale;
import java.util.Map;

/**
 * The sections of a question-answering model's report: its exact match and F1 next to the baselines' on the same
 * questions, and the worst-answered questions with the context around the gold answer, the gold answers and the
 * model's. Every text from the data is HTML-escaped.
 */
final class AnswerReport {

    /** Characters of context shown on each side of the first gold answer. */
    private static final int CONTEXT_CHARS = 160;

    private AnswerReport() {
    }

    /** Appends the sections to {@code h}. */
    static void sections(StringBuilder h, AnswerAnalysis a) {
        h.append("<h2>Model and baselines (").append(esc(a.split())).append(", ").append(a.questions())
                .append(" questions)</h2>\n<p class=\"note\">Exact match and F1 in percent, SQuAD's official answer"
                        + " normalisation, best over the gold answers.</p>\n<table>\n<tr><th></th><th>exact match</th>"
                        + "<th>F1</th></tr>\n");
        row(h, "model", a.model());
        for (Map.Entry<String, SquadMetrics.Scores> b : a.baselines().entrySet()) {
            row(h, "baseline " + b.getKey(), b.getValue());
        }
        h.append("</table>\n");
        h.append("<h2>Worst-answered questions (").append(esc(a.split())).append(")</h2>\n");
        if (a.worst().isEmpty()) {
            h.append("<p class=\"note\">Every one of the ").append(a.questions()).append(" questions was answered exactly.</p>\n");
            return;
        }
        h.append("<p class=\"note\">The ").append(a.worst().size()).append(" of ").append(a.questions()).append(" questions"
                + " with the lowest F1, the most confident answer first among equals. In the context:"
                + " <mark class=\"miss\">gold answer</mark> <mark class=\"bad\">predicted answer</mark>"
                + " <mark class=\"ok\">both</mark>.</p>\n<table class=\"mis ner\">\n<tr><th>#</th><th>question</th>"
                + "<th>gold</th><th>predicted</th><th>score</th><th>F1</th><th>context</th></tr>\n");
        for (AnswerAnalysis.Question q : a.worst()) {
            h.append("<tr>").append(HtmlReport.td(Integer.toString(q.index() + 1)))
                    .append("<td class=\"text\">").append(esc(q.question().question())).append("</td><td class=\"text\">");
            if (q.gold().isEmpty()) {
                h.append("<span class=\"note\">no answer</span>");
            }
            for (int i = 0; i < q.gold().size(); i++) {
                h.append(i > 0 ? "<br>" : "").append(esc(q.gold().get(i).text()));
            }
            h.append("</td><td class=\"text\">").append(q.predicted().isEmpty() ? "<span class=\"note\">no answer</span>"
                    : esc(q.predicted())).append("</td>").append(HtmlReport.td(Double.isNaN(q.score()) ? ""
                    : String.format(Locale.ROOT, "%.3f", q.score())))
                    .append(HtmlReport.td(String.format(Locale.ROOT, "%.2f", q.f1()))).append("<td class=\"text\">");
            context(h, q);
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, String name, SquadMetrics.Scores s) {
        h.append("<tr><th>").append(esc(name)).append("</th>").append(HtmlReport.td(String.format(Locale.ROOT, "%.2f", s.exact())))
                .append(HtmlReport.td(String.format(Locale.ROOT, "%.2f", s.f1()))).append("</tr>\n");
    }

    /**
     * The context around the first gold answer (the start, for an unanswerable question), with the gold and the
     * predicted answer marked where the prediction is found in the context as given.
     */
    private static void context(StringBuilder h, AnswerAnalysis.Question q) {
        String c = q.question().context();
        int goldStart = -1;
        int goldEnd = -1;
        if (!q.gold().isEmpty()) {
            SquadAnswer g = q.gold().get(0);
            goldStart = g.start();
            goldEnd = g.start() + g.text().length();
        }
        int from = Math.max(0, (goldStart < 0 ? 0 : goldStart) - CONTEXT_CHARS);
        int to = Math.min(c.length(), (goldEnd < 0 ? 0 : goldEnd) + CONTEXT_CHARS);
        int predStart = q.predicted().isEmpty() ? -1 : c.indexOf(q.predicted(), from);
        int predEnd = predStart < 0 || predStart >= to ? -1 : predStart + q.predicted().length();
        if (predEnd < 0) {
            predStart = -1;
        }
        int end = Math.max(to, predEnd);
        h.append(from > 0 ? "&hellip;" : "");
        for (int i = from; i < end; ) {
            boolean inGold = i >= goldStart && i < goldEnd;
            boolean inPred = i >= predStart && i < predEnd;
            int next = i + 1;
            while (next < end && (next >= goldStart && next < goldEnd) == inGold
                    && (next >= predStart && next < predEnd) == inPred) {
                next++;
            }
            String text = esc(c.substring(i, next));
            if (inGold || inPred) {
                h.append("<mark class=\"").append(inGold && inPred ? "ok" : inGold ? "miss" : "bad").append("\">").append(text)
                        .append("</mark>");
            } else {
                h.append(text);
            }
            i = next;
        }
        h.append(end < c.length() ? "&hellip;" : "");
    }
}
