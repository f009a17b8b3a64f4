package dev.graft.report;

import dev.graft.artifact.Json;
import dev.graft.artifact.Provenance;
import dev.graft.data.LabelMap;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.task.ClassificationTask;
import dev.graft.selection.TransferCheck;
import dev.graft.metrics.SquadMetrics;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.strategy.SplitPredictions;
import dev.graft.strategy.TokenClassification;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.training.FitResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a report shows, independent of how training ran.
 *
 * @param runName            a title for the run
 * @param fit                the per-epoch history and the best epoch
 * @param validation         the kept model's validation metrics
 * @param test               its test metrics, when there was a test set
 * @param misclassified      the worst mistakes, most confident first
 * @param misclassifiedSplit the split they come from ({@code "test"} or {@code "validation"}), or {@code null} when the run
 *                           kept no predictions to find them in
 * @param classCounts        training examples per class
 * @param provenance         how the model was made ({@code provenance.json} as a map), empty when unknown
 * @param baselines          the negative-transfer check against cheap baselines, when it ran (text runs)
 * @param splitNames         what the validation and test splits are called in the report
 * @param entities           the error analysis of a named-entity tagger (type confusion, worst sentences), when the run
 *                           is one
 * @param answers            the error analysis of a question-answering model (scores next to the baselines, worst
 *                           questions), when the run is one
 */
public record ReportData(String runName, FitResult fit, TaskMetrics validation,
                         Optional<? extends TaskMetrics> test, List<MisclassifiedExample> misclassified,
                         String misclassifiedSplit, Map<String, Integer> classCounts, Map<String, Object> provenance,
                         Optional<TransferCheck> baselines, SplitNames splitNames, Optional<EntityAnalysis> entities,
                         Optional<AnswerAnalysis> answers) {

    /** How many misclassified examples {@link #of(String, TrainingOutcome)} keeps. */
    public static final int DEFAULT_MISCLASSIFIED = 25;

    /** Copies the collections. */
    public ReportData {
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(fit, "fit");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        misclassified = List.copyOf(misclassified);
        classCounts = new LinkedHashMap<>(classCounts);
        provenance = provenance == null ? Map.of() : new LinkedHashMap<>(provenance);
        Objects.requireNonNull(baselines, "baselines (use Optional.empty())");
        Objects.requireNonNull(splitNames, "splitNames");
        Objects.requireNonNull(entities, "entities (use Optional.empty())");
        Objects.requireNonNull(answers, "answers (use Optional.empty())");
    }

    /** Report data of a run that is not a question-answering model's. */
    public ReportData(String runName, FitResult fit, TaskMetrics validation, Optional<? extends TaskMetrics> test,
                      List<MisclassifiedExample> misclassified, String misclassifiedSplit, Map<String, Integer> classCounts,
                      Map<String, Object> provenance, Optional<TransferCheck> baselines, SplitNames splitNames,
                      Optional<EntityAnalysis> entities) {
        this(runName, fit, validation, test, misclassified, misclassifiedSplit, classCounts, provenance, baselines, splitNames,
                entities, Optional.empty());
    }

    /** Report data of a run that is not a named-entity tagger's. */
    public ReportData(String runName, FitResult fit, TaskMetrics validation, Optional<? extends TaskMetrics> test,
                      List<MisclassifiedExample> misclassified, String misclassifiedSplit, Map<String, Integer> classCounts,
                      Map<String, Object> provenance, Optional<TransferCheck> baselines, SplitNames splitNames) {
        this(runName, fit, validation, test, misclassified, misclassifiedSplit, classCounts, provenance, baselines, splitNames,
                Optional.empty());
    }

    /**
     * What the report calls the two evaluated splits (lower case, as in "validation accuracy").
     *
     * @param validation the split that chose the best epoch
     * @param test       the split scored once at the end
     */
    public record SplitNames(String validation, String test) {
        /** "validation" and "test". */
        public static final SplitNames DEFAULT = new SplitNames("validation", "test");
    }

    /** Report data with the default split names. */
    public ReportData(String runName, FitResult fit, TaskMetrics validation, Optional<? extends TaskMetrics> test,
                      List<MisclassifiedExample> misclassified, String misclassifiedSplit, Map<String, Integer> classCounts,
                      Map<String, Object> provenance, Optional<TransferCheck> baselines) {
        this(runName, fit, validation, test, misclassified, misclassifiedSplit, classCounts, provenance, baselines, SplitNames.DEFAULT);
    }

    /** Report data without a baseline check. */
    public ReportData(String runName, FitResult fit, TaskMetrics validation, Optional<? extends TaskMetrics> test,
                      List<MisclassifiedExample> misclassified, String misclassifiedSplit, Map<String, Integer> classCounts,
                      Map<String, Object> provenance) {
        this(runName, fit, validation, test, misclassified, misclassifiedSplit, classCounts, provenance, Optional.empty());
    }

    /** This report with {@code baselines} as its negative-transfer check. */
    public ReportData withBaselines(Optional<TransferCheck> baselines) {
        return new ReportData(runName, fit, validation, test, misclassified, misclassifiedSplit, classCounts, provenance, baselines,
                splitNames, entities, answers);
    }

    /** This report with {@code splitNames} for its validation and test splits. */
    public ReportData withSplitNames(SplitNames splitNames) {
        return new ReportData(runName, fit, validation, test, misclassified, misclassifiedSplit, classCounts, provenance, baselines,
                splitNames, entities, answers);
    }

    /** This report with {@code provenance} ({@code provenance.json} as a map). */
    public ReportData withProvenance(Map<String, Object> provenance) {
        return new ReportData(runName, fit, validation, test, misclassified, misclassifiedSplit, classCounts, provenance, baselines,
                splitNames, entities, answers);
    }

    /** The report of a strategy's outcome: mistakes from the test split if there is one, else from validation. */
    public static ReportData of(String runName, TrainingOutcome outcome) {
        return of(runName, outcome, DEFAULT_MISCLASSIFIED);
    }

    /** As {@link #of(String, TrainingOutcome)}, keeping at most {@code maxMisclassified} mistakes. */
    public static ReportData of(String runName, TrainingOutcome outcome, int maxMisclassified) {
        List<String> labels = outcome.classifier().labels().labels();
        Optional<SplitPredictions> preds = outcome.errorAnalysisPredictions();
        // mistakes as the model decides: a two-class model may predict by a decision threshold
        java.util.function.ToIntFunction<float[]> decide = outcome.classifier().task() instanceof ClassificationTask c ? c::predict
                : ClassificationTask::argmax;
        List<MisclassifiedExample> wrong = preds.map(p -> MisclassifiedExample.worst(p, labels, decide, maxMisclassified))
                .orElse(List.of());
        String split = outcome.predictions().containsKey("test") ? "test" : "validation";
        Provenance.DataFingerprint train = outcome.provenance().data().get("train");
        Map<String, Integer> counts = train == null ? Map.of() : train.classCounts();
        return new ReportData(runName, outcome.fit(), outcome.validation(), outcome.test(), wrong, split,
                ordered(counts, labels), provenanceMap(outcome.provenance()));
    }

    /**
     * The report of a named-entity tagger's run: per-type scores, the confusion between entity types and the worst
     * sentences of the test split (else validation); the training data's entities per type as its class balance.
     */
    public static ReportData of(String runName, TokenClassification.Outcome outcome) {
        Provenance.DataFingerprint train = outcome.provenance().data().get("train");
        return new ReportData(runName, outcome.fit(), outcome.validation(), outcome.test(), List.of(), null,
                train == null ? Map.of() : train.classCounts(), provenanceMap(outcome.provenance()), Optional.empty(),
                SplitNames.DEFAULT, Optional.of(EntityAnalysis.of(outcome.errorAnalysis())));
    }

    /**
     * The report of a question-answering model's run: exact match and F1 of each split, the model next to
     * {@code baselines} (each baseline's scores on the test questions, else the validation ones, by name) and the
     * worst-answered questions with their gold and predicted answers.
     */
    public static ReportData of(String runName, QuestionAnswering.Outcome outcome, Map<String, SquadMetrics.Scores> baselines) {
        SquadMetrics.Scores analysed = outcome.answered().split().equals("test") && outcome.test().isPresent()
                ? outcome.test().get() : outcome.validation();
        return new ReportData(runName, outcome.fit(), outcome.validation(), outcome.test(), List.of(), null, Map.of(),
                provenanceMap(outcome.provenance()), Optional.empty(), SplitNames.DEFAULT, Optional.empty(),
                Optional.of(AnswerAnalysis.of(outcome.answered(), analysed, baselines)));
    }

    /** The report of an image strategy's outcome: the worst mistakes come with thumbnails of the images. */
    public static ReportData of(String runName, ImageTrainingOutcome outcome) {
        List<String> labels = outcome.classifier().labels().labels();
        List<MisclassifiedExample> wrong = outcome.errorAnalysisPredictions()
                .map(p -> MisclassifiedExample.worstImages(p, labels, DEFAULT_MISCLASSIFIED)).orElse(List.of());
        String split = outcome.predictions().containsKey("test") ? "test" : "validation";
        Provenance.DataFingerprint train = outcome.provenance().data().get("train");
        Map<String, Integer> counts = train == null ? Map.of() : train.classCounts();
        return new ReportData(runName, outcome.fit(), outcome.validation(), outcome.test(), wrong, split,
                ordered(counts, labels), provenanceMap(outcome.provenance()));
    }

    /** {@code provenance.json}'s content as a map (snake_case keys). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> provenanceMap(Provenance p) {
        return Json.MAPPER.convertValue(p, LinkedHashMap.class);
    }

    private static Map<String, Integer> ordered(Map<String, Integer> counts, List<String> labels) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String l : labels) {
            if (counts.containsKey(l)) {
                m.put(l, counts.get(l));
            }
        }
        counts.forEach(m::putIfAbsent);
        return m;
    }

    /** Class counts of a labelled data set in first-seen order, for callers building a report by hand. */
    public static Map<String, Integer> classCounts(dev.graft.data.TextDataset data) {
        return LabelMap.classCounts(data);
    }
}
