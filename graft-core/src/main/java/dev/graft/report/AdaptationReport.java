package dev.graft.report;

import dev.graft.util.Arguments;
import dev.graft.artifact.Provenance;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.strategy.adapt.AdaptationResult;
import dev.graft.strategy.adapt.AdaptationRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report of a domain-adaptation run ({@code graft adapt}): the training report of the adapted head, whose
 * validation split is held-out <em>source</em> data and whose test split is the labelled <em>target</em> evaluation
 * set, plus a table that puts the source-only baseline next to the adapted model on the target and the proxy
 * A-distance before and after adaptation.
 */
public final class AdaptationReport {

    /** Held-out source examples choose the epoch; the labelled target set is scored at the end. */
    public static final ReportData.SplitNames SPLITS = new ReportData.SplitNames("source validation", "target");

    private AdaptationReport() {
    }

    /**
     * The report data: history, held-out source metrics, target metrics and the adapted model's most confident
     * mistakes on the target (when an evaluation set was given), source class counts.
     */
    public static ReportData data(String runName, AdaptationRun run) {
        List<String> labels = run.validation().labels();
        List<MisclassifiedExample> wrong = run.textEvalPredictions()
                .map(p -> MisclassifiedExample.worst(p, labels, ReportData.DEFAULT_MISCLASSIFIED))
                .or(() -> run.imageEvalPredictions().map(p -> MisclassifiedExample.worstImages(p, labels, ReportData.DEFAULT_MISCLASSIFIED)))
                .orElse(List.of());
        Provenance.DataFingerprint source = run.provenance().data().get("source");
        Map<String, Integer> counts = source == null ? Map.of() : source.classCounts();
        return new ReportData(runName, run.fit(), run.validation(), run.test(), wrong,
                run.test().isPresent() ? "target evaluation set" : null,
                counts, ReportData.provenanceMap(run.provenance()), Optional.empty(), SPLITS);
    }

    /** The table shown after the summary: target scores of source-only and adapted, and the domain distances. */
    public static HtmlReport.Table table(AdaptationResult r) {
        String method = r.method().key();
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("target accuracy, source-only", r.sourceOnlyEval().map(ClassificationMetrics::accuracy)));
        rows.add(row("target accuracy, " + method, r.adaptedEval().map(ClassificationMetrics::accuracy)));
        rows.add(row("target macro-F1, source-only", r.sourceOnlyEval().map(ClassificationMetrics::macroF1)));
        rows.add(row("target macro-F1, " + method, r.adaptedEval().map(ClassificationMetrics::macroF1)));
        rows.add(row("proxy A-distance before (frozen features)", Optional.of(r.padBefore())));
        rows.add(row("proxy A-distance after (adapted representation)", Optional.of(r.padAfter())));
        String note = "Source validation: held-out source examples, which chose the epoch. Target: the adapted model on the"
                + " labelled target evaluation set (" + Arguments.name("eval") + "), whose labels are used only for scoring."
                + " Source-only is the same head and loop without the domain loss. Proxy A-distance 2(1-2e), e the held-out error"
                + " of a linear classifier telling the domains apart: 0 = indistinguishable, 2 = fully separable. Trained on "
                + r.sourceTrain() + " source examples (" + r.sourceVal() + " more held out) and " + r.target()
                + " unlabelled target examples." + r.alignmentWarning().map(w -> " Warning: " + w).orElse("");
        return new HtmlReport.Table("Domain adaptation: " + method, note, List.of("", "value"), rows);
    }

    private static List<String> row(String name, Optional<Double> value) {
        return List.of(name, value.map(AdaptationReport::num).orElse("n/a (no " + Arguments.name("eval") + ")"));
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
