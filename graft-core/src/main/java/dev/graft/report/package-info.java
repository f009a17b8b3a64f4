/**
 * Training reports: {@link dev.graft.report.HtmlReport} renders a {@link dev.graft.report.ReportData} into one
 * self-contained {@code report.html} (inline CSS, charts as base64 PNG data URIs, no external URLs) plus the charts
 * as PNG files in {@code plots/}.
 */
package dev.graft.report;
