package dev.graft.report;

import dev.graft.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The HTML report of a search over candidates ({@code graft auto}): a summary, why the winner won, the plan's rules,
 * and one table row per candidate. Self-contained (no scripts, no external files); every text is escaped.
 */
public final class AutoReport {

    /** The report's file name in the output folder. */
    public static final String FILE = "auto-report.html";

    /**
     * What the report shows.
     *
     * @param title   the page title
     * @param summary lines under the title (winner, accuracy, time used)
     * @param reasons why the winner won
     * @param rules   the plan's rules
     * @param header  the candidate table's column names
     * @param rows    one row per candidate; {@code winnerRow} is highlighted
     * @param winnerRow the index of the winner's row (-1: none)
     */
    public record Content(String title, List<String> summary, List<String> reasons, List<String> rules, List<String> header,
                          List<List<String>> rows, int winnerRow) {

        /** Copies the lists. */
        public Content {
            summary = List.copyOf(summary);
            reasons = List.copyOf(reasons);
            rules = List.copyOf(rules);
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    private AutoReport() {
    }

    /** Writes {@code content} to {@code file} atomically (the file is the run's own, so an earlier version is replaced). */
    public static void write(Path file, Content content) throws IOException {
        AtomicFiles.writeString(file, render(content));
    }

    /** The page. */
    static String render(Content c) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(HtmlReport.esc(c.title())).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}tr.win{background:#e6f4e6;font-weight:bold}"
                        + "td.n{text-align:right}</style></head><body>");
        h.append("<h1>").append(HtmlReport.esc(c.title())).append("</h1><ul>");
        for (String s : c.summary()) {
            h.append("<li>").append(HtmlReport.esc(s)).append("</li>");
        }
        h.append("</ul><h2>Why the winner won</h2><ol>");
        for (String s : c.reasons()) {
            h.append("<li>").append(HtmlReport.esc(s)).append("</li>");
        }
        h.append("</ol><h2>Candidates</h2><table><tr>");
        for (String s : c.header()) {
            h.append("<th>").append(HtmlReport.esc(s)).append("</th>");
        }
        h.append("</tr>");
        for (int i = 0; i < c.rows().size(); i++) {
            h.append(i == c.winnerRow() ? "<tr class=\"win\">" : "<tr>");
            for (String s : c.rows().get(i)) {
                h.append(s.matches("-?[0-9.]+") ? "<td class=\"n\">" : "<td>").append(HtmlReport.esc(s)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table><h2>The plan</h2><ol>");
        for (String s : c.rules()) {
            h.append("<li>").append(HtmlReport.esc(s)).append("</li>");
        }
        h.append("</ol></body></html>\n");
        return h.toString();
    }
}
