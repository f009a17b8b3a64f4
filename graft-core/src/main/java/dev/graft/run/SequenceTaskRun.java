package dev.graft.run;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.TaskKind;
import dev.graft.data.qa.SquadDataset;
import dev.graft.data.qa.SquadReader;
import dev.graft.data.tokens.TagRepair;
import dev.graft.data.tokens.TaggedCorpus;
import dev.graft.data.tokens.TaggedCorpusReader;
import dev.graft.metrics.SquadMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.report.ReportData;
import dev.graft.selection.MostFrequentTag;
import dev.graft.selection.OverlapSentenceBaseline;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.strategy.RunResult;
import dev.graft.strategy.TokenClassification;
import dev.graft.task.Task;
import dev.graft.tracking.PeakMemory;
import dev.graft.training.TrainingListener;
import dev.graft.util.Arguments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The training run of a task whose data is no label column but tagged sentences (token classification) or questions
 * with contexts (extractive question answering): {@link TrainingRun} hands it the request. The run is the one every
 * task gets — checks before anything expensive, the strategy from {@link Strategies}, {@link RunRecorder} tracking,
 * baselines, {@code metrics.json}, report and plots saved with the model, a {@link TrainingResult} — and a
 * {@link Family} supplies what differs: reading the data, training through the strategy, its baselines, its report.
 */
final class SequenceTaskRun {

    private SequenceTaskRun() {
    }

    /** Whether {@code task} is trained here. */
    static boolean handles(TaskKind task) {
        return task == TaskKind.TOKEN_CLASSIFICATION || task == TaskKind.QUESTION_ANSWERING;
    }

    /**
     * Refuses tagged sentences and questions in a run that needs one target per example (a class, labels or a value):
     * the message names the task argument, says what {@code run} does, and points to the runs that take the task.
     *
     * @param run what the refusing run does, e.g. {@code "ranking backbones by LogME"}
     */
    static void refuse(TaskKind task, String run) {
        if (handles(task)) {
            throw new IllegalArgumentException(Arguments.name("task") + " " + task.key() + ": " + run + " works on data with one"
                    + " target per example (classification, multi-label, regression), not on "
                    + (task == TaskKind.TOKEN_CLASSIFICATION ? "tagged sentences" : "questions with contexts") + ". For "
                    + task.key() + " compare the strategies with " + Arguments.name("Graft.compare") + ", search the settings with "
                    + Arguments.name("Graft.tune") + ", or train with " + Arguments.name("Graft.train") + ".");
        }
    }

    /**
     * The training sentences or questions a run of {@code r} trains on (after the validation split and
     * {@code maxTrain}), read as the run reads them: what a comparison's recommendation counts as its data size.
     */
    static int trainExamples(TrainingRequest r) {
        if (r.task() == TaskKind.TOKEN_CLASSIFICATION) {
            TaggedCorpus.Format format = taggedFormat(r.corpusFormat);
            return TokenClassification.Corpora.of(readTagged(r.trainFile, format),
                    r.valFile == null ? null : readTagged(r.valFile, format), Optional.empty(), r.valFraction, r.maxTrain, r.seed)
                    .train().sentences().size();
        }
        return QuestionAnswering.Data.of(SquadReader.read(r.trainFile), r.valFile == null ? null : SquadReader.read(r.valFile),
                Optional.empty(), r.valFraction, r.maxTrain, r.seed).train().questions().size();
    }

    /** Runs {@code r} (its task is one {@link #handles}). */
    static TrainingResult run(TrainingRequest r, RunListener l) throws IOException {
        return run(r, l, family(r));
    }

    /** What differs for {@code r}'s task (one {@link #handles}): also what a search ({@link TuningRun}) trains trials with. */
    static Family<?> family(TrainingRequest r) {
        return r.task() == TaskKind.TOKEN_CLASSIFICATION ? new Tokens(r) : new Questions(r);
    }

    private static <O extends RunResult & AutoCloseable> TrainingResult run(TrainingRequest r, RunListener l, Family<O> family)
            throws IOException {
        TrainingStrategy strategy = r.resolveStrategy();
        TrainingRun.checkStrategySettings(r);
        TrainingRun.refuseBf16ForFrozen(r, strategy, "per-token states");
        TrainingRun.checkSplitSettings(r, true);
        family.check(strategy);
        Map<String, Object> settings = family.settings(strategy);
        TrainingRun.noteAutoPrecision(r, settings, l);
        boolean checkpointed = family.checkpoints(strategy);
        if (!checkpointed) {
            CheckpointPlan.refuseResume(r.resume);
        }
        ModelDirectory.checkWritable(r.output);
        CheckpointPlan checkpoints = CheckpointPlan.of(r.output, r.checkpointDir, r.resume, r.checkpointEvery);
        if (checkpointed) {
            checkpoints.checkStart();
        }
        family.read(l);
        TextModelSpec backbone = TrainingRun.resolveTextModel(r.model, l);
        long start = System.nanoTime();
        if (checkpointed) {
            checkpoints.announce(l);
        }
        try (RunRecorder recorder = RunRecorder.start(r.tracking, "train", r.output, r.output, r.runParams(settings), l::message)) {
            List<TrainingListener> epochs = recorder.listeners(l.epochs().toArray(TrainingListener[]::new));
            TrainingContext context = checkpointed
                    ? new TrainingContext(l, epochs, checkpoints.directory(), checkpoints.everyEpochs(), checkpoints.resume())
                    : new TrainingContext(l, epochs, null, 1, false);
            O outcome = family.train(strategy, backbone, context);
            try {
                family.notes(outcome).forEach(l::message);
                Map<String, TaskMetrics> baselines = r.baselines ? family.baselines() : Map.of();
                Map<String, Object> metrics = family.metricsDocument(outcome);
                if (!baselines.isEmpty()) {
                    List<Map<String, Object>> entries = new ArrayList<>();
                    Map<String, Double> tracked = new LinkedHashMap<>();
                    baselines.forEach((name, scores) -> {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("name", name);
                        entry.put("split", family.reportsTest() ? "test" : "val");
                        entry.put("scores", scores.toMap());
                        entries.add(entry);
                        for (String key : family.trackedFigures()) {
                            tracked.put("baseline_" + name.replace('-', '_') + "_" + key, scores.value(key));
                        }
                    });
                    metrics.put("baselines", entries);
                    recorder.logMetrics(tracked, outcome.fit().history().size());
                }
                PeakMemory.measure().putInto(metrics);
                Provenance provenance = outcome.provenance().withCommandLine(r.commandLine);
                boolean replaced = family.save(outcome, r.output, provenance, metrics, staging -> recorder.writeReport(
                        () -> family.report(recorder.runName(), outcome, baselines), provenance, staging));
                if (checkpointed) {
                    checkpoints.finished();
                }
                double total = (System.nanoTime() - start) / 1e9;
                recorder.finish(outcome, provenance, r.output, total);
                return new TrainingResult(r.output, replaced, outcome, metrics, TrainingRun.report(r.output), Optional.empty(),
                        List.of(), recorder.runId(), recorder.location(), family.validationExamples(), family.testExamples(),
                        family.cacheHits(outcome), total, baselines);
            } catch (RuntimeException | IOException | Error e) {
                closeQuietly(outcome, e);
                throw e;
            }
        }
    }

    /** Releases a model that will not be returned, keeping {@code cause} as the failure. */
    private static void closeQuietly(AutoCloseable outcome, Throwable cause) {
        try {
            outcome.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    /** What one task family brings to the run. */
    abstract static class Family<O extends RunResult & AutoCloseable> {

        final TrainingRequest r;

        Family(TrainingRequest r) {
            this.r = r;
        }

        /** Refuses a strategy or setting the family does not take, before anything is read. */
        abstract void check(TrainingStrategy strategy);

        /** The settings recorded as the run's params. */
        Map<String, Object> settings(TrainingStrategy strategy) {
            return new LinkedHashMap<>(strategy.textSettings(r));
        }

        /** Whether the strategy checkpoints (and so may resume) this family's training. */
        abstract boolean checkpoints(TrainingStrategy strategy);

        /** Reads the data (train, validation or a held-out part of train, test), telling {@code l} what was read. */
        abstract void read(RunListener l);

        abstract O train(TrainingStrategy strategy, TextModelSpec backbone, TrainingContext context);

        /** The task the training builds from the read data for {@code backbone} (its monitor, for a search). */
        abstract Task task(TextModelSpec backbone);

        /** Notes on the data the training found (tags repaired, ...). */
        List<String> notes(O outcome) {
            return List.of();
        }

        /** The baselines' scores on the split the run reports ({@link #reportsTest}), by name. */
        abstract Map<String, TaskMetrics> baselines();

        /** The baseline figures recorded by tracking. */
        abstract List<String> trackedFigures();

        /** Whether the run reports the test split (else validation). */
        abstract boolean reportsTest();

        abstract Map<String, Object> metricsDocument(O outcome);

        abstract ReportData report(String runName, O outcome, Map<String, TaskMetrics> baselines);

        abstract boolean save(O outcome, Path out, Provenance provenance, Map<String, Object> metrics,
                              ModelDirectory.Writer extras) throws IOException;

        abstract int validationExamples();

        abstract Optional<Integer> testExamples();

        int cacheHits(O outcome) {
            return 0;
        }
    }

    /** Token classification (named-entity recognition) on tagged sentences. */
    private static final class Tokens extends Family<TokenClassification.Outcome> {

        private final TaggedCorpus.Format format;
        private TokenClassification.Corpora corpora;

        Tokens(TrainingRequest r) {
            super(r);
            this.format = taggedFormat(r.corpusFormat);
        }

        @Override
        void check(TrainingStrategy strategy) {
            r.crfMode(); // refuses an unknown decoding before the data is read
        }

        @Override
        Map<String, Object> settings(TrainingStrategy strategy) {
            Map<String, Object> settings = super.settings(strategy);
            settings.put("crf", r.crfMode().name().toLowerCase(Locale.ROOT));
            return settings;
        }

        @Override
        boolean checkpoints(TrainingStrategy strategy) {
            return strategy.trainsBackbone();
        }

        @Override
        void read(RunListener l) {
            Optional<TaggedCorpus> test = r.testFile == null ? Optional.empty() : Optional.of(readTagged(r.testFile, format));
            corpora = TokenClassification.Corpora.of(readTagged(r.trainFile, format),
                    r.valFile == null ? null : readTagged(r.valFile, format), test, r.valFraction, r.maxTrain, r.seed);
            TaggedCorpus train = corpora.train();
            l.summary(String.format(Locale.ROOT, "Sentences: train %d, val %d%s; entities in train %s; scheme %s",
                    train.sentences().size(), corpora.val().sentences().size(),
                    test.map(t -> ", test " + t.sentences().size()).orElse(""), train.entityCounts(), train.scheme()));
        }

        @Override
        TokenClassification.Outcome train(TrainingStrategy strategy, TextModelSpec backbone, TrainingContext context) {
            return strategy.trainTokens(backbone, corpora, r.crfMode(), r, context);
        }

        @Override
        Task task(TextModelSpec backbone) {
            return TokenClassification.task(corpora.train(), backbone.maxLength());
        }

        @Override
        List<String> notes(TokenClassification.Outcome outcome) {
            List<String> notes = new ArrayList<>();
            for (Map.Entry<String, TagRepair.Result> e : outcome.repairs().entrySet()) {
                if (!e.getValue().changes().isEmpty()) {
                    notes.add("note: " + e.getKey() + ": " + e.getValue().summary());
                }
            }
            return notes;
        }

        @Override
        Map<String, TaskMetrics> baselines() {
            TaggedCorpus train = corpora.train();
            TaggedCorpus reported = corpora.test().orElse(corpora.val());
            return Map.of("most-frequent-tag", MostFrequentTag.fit(train.sentences(), train.scheme()).score(reported.sentences()));
        }

        @Override
        List<String> trackedFigures() {
            return List.of("micro_f1");
        }

        @Override
        boolean reportsTest() {
            return corpora.test().isPresent();
        }

        @Override
        Map<String, Object> metricsDocument(TokenClassification.Outcome outcome) {
            return outcome.metricsDocument();
        }

        @Override
        ReportData report(String runName, TokenClassification.Outcome outcome, Map<String, TaskMetrics> baselines) {
            return ReportData.of(runName, outcome);
        }

        @Override
        boolean save(TokenClassification.Outcome outcome, Path out, Provenance provenance, Map<String, Object> metrics,
                     ModelDirectory.Writer extras) throws IOException {
            return outcome.classifier().save(out, provenance, metrics, extras);
        }

        @Override
        int validationExamples() {
            return corpora.val().sentences().size();
        }

        @Override
        Optional<Integer> testExamples() {
            return corpora.test().map(t -> t.sentences().size());
        }

        @Override
        int cacheHits(TokenClassification.Outcome outcome) {
            return outcome.cachedSplits();
        }
    }

    /** Extractive question answering on questions with contexts. */
    private static final class Questions extends Family<QuestionAnswering.Outcome> {

        private final SquadDataset.Format format;
        private QuestionAnswering.Data data;

        Questions(TrainingRequest r) {
            super(r);
            this.format = questionFormat(r.corpusFormat);
        }

        @Override
        void check(TrainingStrategy strategy) {
            if (r.peftSpec() != null) {
                throw strategy.refuseTask(TaskKind.QUESTION_ANSWERING); // LoRA and adapters are not wired to the span head
            }
            if (r.crf != null) {
                throw new IllegalArgumentException(Arguments.name("crf") + " applies to token classification, not to "
                        + TaskKind.QUESTION_ANSWERING.key() + ".");
            }
            r.qaWindows();
        }

        @Override
        Map<String, Object> settings(TrainingStrategy strategy) {
            Map<String, Object> settings = super.settings(strategy);
            QuestionAnswering.Windows w = r.qaWindows();
            settings.put("max_length", w.maxLength());
            settings.put("doc_stride", w.docStride());
            settings.put("max_answer_tokens", w.maxAnswerTokens());
            settings.put("n_best", w.nBest());
            return settings;
        }

        @Override
        boolean checkpoints(TrainingStrategy strategy) {
            return false; // question answering does not checkpoint yet
        }

        @Override
        void read(RunListener l) {
            Optional<SquadDataset> test = r.testFile == null ? Optional.empty() : Optional.of(readQuestions(r.testFile, format, l));
            data = QuestionAnswering.Data.of(readQuestions(r.trainFile, format, l),
                    r.valFile == null ? null : readQuestions(r.valFile, format, l), test, r.valFraction, r.maxTrain, r.seed);
            long none = data.train().questions().stream().filter(q -> q.answers().isEmpty()).count();
            l.summary(String.format(Locale.ROOT, "Questions: train %d, val %d%s (%s)", data.train().questions().size(),
                    data.val().questions().size(), test.map(t -> ", test " + t.questions().size()).orElse(""),
                    none == 0 ? "every question has an answer, as in SQuAD v1.1"
                            : none + " without an answer, as in SQuAD v2.0: the model learns to answer nothing"));
        }

        @Override
        QuestionAnswering.Outcome train(TrainingStrategy strategy, TextModelSpec backbone, TrainingContext context) {
            return strategy.trainQuestions(backbone, data, r.qaWindows(), r, context);
        }

        @Override
        Task task(TextModelSpec backbone) {
            return QuestionAnswering.task(data.train(), r.qaWindows());
        }

        @Override
        Map<String, TaskMetrics> baselines() {
            SquadDataset reported = data.test().orElse(data.val());
            Map<String, TaskMetrics> scores = new LinkedHashMap<>();
            for (OverlapSentenceBaseline b : List.of(OverlapSentenceBaseline.sentence(), OverlapSentenceBaseline.trimmed())) {
                scores.put(b.name(), b.score(reported.questions()));
            }
            return scores;
        }

        @Override
        List<String> trackedFigures() {
            return List.of(SquadMetrics.Scores.EXACT, SquadMetrics.Scores.F1);
        }

        @Override
        boolean reportsTest() {
            return data.test().isPresent();
        }

        @Override
        Map<String, Object> metricsDocument(QuestionAnswering.Outcome outcome) {
            return outcome.metricsDocument();
        }

        @Override
        ReportData report(String runName, QuestionAnswering.Outcome outcome, Map<String, TaskMetrics> baselines) {
            Map<String, SquadMetrics.Scores> squad = new LinkedHashMap<>();
            baselines.forEach((name, s) -> squad.put(name, (SquadMetrics.Scores) s));
            return ReportData.of(runName, outcome, squad);
        }

        @Override
        boolean save(QuestionAnswering.Outcome outcome, Path out, Provenance provenance, Map<String, Object> metrics,
                     ModelDirectory.Writer extras) throws IOException {
            return outcome.answerer().save(out, provenance, metrics, extras);
        }

        @Override
        int validationExamples() {
            return data.val().questions().size();
        }

        @Override
        Optional<Integer> testExamples() {
            return data.test().map(t -> t.questions().size());
        }
    }

    /** {@link TrainingRequest#corpusFormat} for tagged sentences: conll, jsonl, or from the file ({@code null}). */
    static TaggedCorpus.Format taggedFormat(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "conll" -> TaggedCorpus.Format.CONLL;
            case "jsonl", "json" -> TaggedCorpus.Format.JSONL;
            default -> throw new IllegalArgumentException(Arguments.name("corpusFormat") + " " + value + " is not a format of"
                    + " tagged sentences; use conll (one token per line, the tag last) or jsonl"
                    + " ({\"tokens\": [...], \"tags\": [...]} per line).");
        };
    }

    /** {@link TrainingRequest#corpusFormat} for questions: squad, jsonl, or from the file ({@code null}). */
    static SquadDataset.Format questionFormat(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "squad", "json" -> SquadDataset.Format.SQUAD_JSON;
            case "jsonl" -> SquadDataset.Format.JSONL;
            default -> throw new IllegalArgumentException(Arguments.name("corpusFormat") + " " + value + " is not a"
                    + " question-answering format; use squad (SQuAD v1.1/v2.0 JSON) or jsonl"
                    + " ({\"question\": ..., \"context\": ..., \"answers\": ...} per line).");
        };
    }

    /** Reads a tagged file, checking that it is written as {@code format} says ({@code null}: either). */
    static TaggedCorpus readTagged(Path file, TaggedCorpus.Format format) {
        TaggedCorpus corpus = TaggedCorpusReader.read(file);
        if (format != null && corpus.format() != format) {
            throw new IllegalArgumentException(file + " reads as " + corpus.format().name().toLowerCase(Locale.ROOT) + " but "
                    + Arguments.name("corpusFormat") + " " + format.name().toLowerCase(Locale.ROOT) + " was given. Name the"
                    + " file's format, or leave " + Arguments.name("corpusFormat") + " unset to take it from the file.");
        }
        return corpus;
    }

    /** Reads a question file, checking that it is written as {@code format} says ({@code null}: either); notes skips. */
    static SquadDataset readQuestions(Path file, SquadDataset.Format format, RunListener l) {
        SquadDataset d = SquadReader.read(file);
        if (format != null && d.format() != format) {
            throw new IllegalArgumentException(file + " reads as " + (d.format() == SquadDataset.Format.JSONL ? "jsonl" : "squad")
                    + " but " + Arguments.name("corpusFormat") + " " + (format == SquadDataset.Format.JSONL ? "jsonl" : "squad")
                    + " was given. Name the file's format, or leave " + Arguments.name("corpusFormat")
                    + " unset to take it from the file.");
        }
        if (!d.skipped().isEmpty()) {
            l.message("note: " + file + ": left out " + d.skipped().size() + " answer(s) or question(s), e.g. "
                    + d.skipped().get(0));
        }
        return d;
    }
}
