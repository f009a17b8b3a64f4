package dev.graft.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.data.tokens.EntitySpan;
import dev.graft.data.tokens.Tag;
import dev.graft.data.tokens.TaggedPredictions;
import dev.graft.metrics.EntityMetrics;
import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import dev.graft.training.Monitor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A named-entity tagger's report: per-type scores, the type confusion and the worst sentences, highlighted and escaped. */
class EntityReportTest {

    @TempDir
    Path dir;

    private static List<Tag> tags(String line) {
        return Tag.parseAll(Arrays.asList(line.split(" ")));
    }

    private static TaggedPredictions predictions() {
        return new TaggedPredictions("test",
                List.of(List.of("John", "Smith", "visited", "Paris"),
                        List.of("<script>", "Corp", "hired", "Anna"),
                        List.of("Rain", "in", "Rome"),
                        List.of("Nothing", "here")),
                List.of(tags("B-PER I-PER O B-LOC"), tags("B-ORG I-ORG O B-PER"), tags("O O B-LOC"), tags("O O")),
                List.of(tags("B-PER I-PER O B-LOC"), tags("B-LOC O O O"), tags("O O B-LOC"), tags("B-MISC O")));
    }

    @Test
    void worstSentencesComeMostErrorsFirstWithTheirEntities() {
        EntityAnalysis a = EntityAnalysis.of(predictions());
        assertEquals(4, a.sentences());
        assertEquals(List.of(1, 3), a.worst().stream().map(EntityAnalysis.Sentence::index).toList(),
                "sentences 0 and 2 are right; sentence 1 has 3 errors (ORG, PER missed, LOC wrong), sentence 3 one");
        EntityAnalysis.Sentence s = a.worst().get(0);
        assertEquals(3, s.errors());
        assertEquals(List.of(new EntitySpan("ORG", 0, 1), new EntitySpan("PER", 3, 3)), s.gold());
        assertEquals(List.of(new EntitySpan("LOC", 0, 0)), s.predicted());
        assertEquals(1, EntityAnalysis.of(predictions(), 1).worst().size());
    }

    @Test
    void reportShowsPerTypeScoresConfusionAndHighlightedSentences() throws Exception {
        TaggedPredictions p = predictions();
        EntityMetrics.Scores test = EntityMetrics.score(p.gold(), p.predicted());
        FitResult fit = new FitResult(List.of(new EpochLog(1, 0.9, 0.8, Double.NaN, 0.4, 1e-3, 1.0, true, 10, Map.of(),
                test.values())), 1, Monitor.parse("micro_f1"), test.f1(), false, 1.0);
        ReportData data = new ReportData("ner <run>", fit, test, Optional.of(test), List.of(), null, Map.of("PER", 7, "LOC", 3),
                Map.of(), Optional.empty(), ReportData.SplitNames.DEFAULT, Optional.of(EntityAnalysis.of(p)));
        HtmlReport.write(data, dir);
        String html = Files.readString(dir.resolve(HtmlReport.REPORT_FILE), StandardCharsets.UTF_8);
        assertTrue(html.contains("<h2>Per-type scores</h2>"), "per-type section");
        // PER: 1 gold found of 2, predicted 1 -> P 1, R 0.5; LOC: 2 gold, 3 predicted, 2 correct
        assertTrue(html.contains("<tr><th>PER</th><td>1.0000</td><td>0.5000</td><td>0.6667</td><td>2</td><td>1</td><td>1</td></tr>"), html);
        assertTrue(html.contains("<tr><th>LOC</th><td>0.6667</td><td>1.0000</td><td>0.8000</td><td>2</td><td>3</td><td>2</td></tr>"), html);
        assertTrue(html.contains("Confusion between entity types (test)"));
        assertTrue(html.contains("<th>(missed)</th>") && html.contains("<th>(spurious)</th>"));
        // the sentence with the most errors, gold line then predicted line, its first word escaped
        String gold = "<mark class=\"miss\">&lt;script&gt; Corp<sub>ORG</sub></mark> hired <mark class=\"miss\">Anna<sub>PER</sub></mark>";
        String predicted = "<mark class=\"bad\">&lt;script&gt;<sub>LOC</sub></mark> Corp hired Anna";
        assertTrue(html.contains(gold + "<br>" + predicted), html);
        assertFalse(html.contains("<script>"), "words are escaped");
        assertFalse(html.contains("John Smith<sub>"), "a sentence without errors is not listed");
        assertTrue(html.contains("Entities per type (training data)"));
        assertTrue(html.contains("<th>val loss</th><th>val micro-F1</th><th>val precision</th><th>val recall</th>")
                && !html.contains("val accuracy"), "the epoch table shows the task's own figures");
        assertTrue(html.contains("<td>" + String.format(java.util.Locale.ROOT, "%.4f", test.f1()) + "</td><td>"
                + String.format(java.util.Locale.ROOT, "%.4f", test.precision()) + "</td>"), "with their values");
    }
}
