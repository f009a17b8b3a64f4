package dev.graft.run;

import dev.graft.artifact.GraftModel;
import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.QuestionAnswerer;
import dev.graft.artifact.TextClassifier;
import dev.graft.artifact.TokenClassifier;
import dev.graft.data.DataException;
import dev.graft.data.DataOptions;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.qa.SquadDataset;
import dev.graft.data.tokens.TaggedCorpus;
import dev.graft.eval.Evaluator;
import dev.graft.model.CpuFeatures;
import dev.graft.model.Precision;
import dev.graft.metrics.EntityMetrics;
import dev.graft.metrics.SquadMetrics;
import dev.graft.metrics.TaskMetrics;
import dev.graft.selection.OverlapSentenceBaseline;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import dev.graft.util.Arguments;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Scores a saved text or image model (any task) on labelled data, as {@code graft evaluate} does: the data is read
 * first (cheap, and its mistakes are the likelier ones), its targets as the model's task writes them unless the caller
 * names a format.
 */
public final class EvaluationRun {

    private EvaluationRun() {
    }

    /**
     * Scores the model in {@code model} on {@code data}.
     *
     * @param read         how the data is read (columns, format; images use only its targets)
     * @param modelTargets whether targets are read as the model's task writes them (else as {@code read} says)
     * @param listener     progress and notes
     */
    public static EvaluationResult evaluate(Path model, Path data, DataOptions read, boolean modelTargets, RunListener listener) {
        return evaluate(model, data, read, modelTargets, null, listener);
    }

    /**
     * Scores the model in {@code model} on {@code data}, predicting in {@code precision} ({@code fp32}, {@code bf16} or
     * {@code auto}, {@link GraftModel#predictIn(String)}; {@code null}: the model's own): text classifiers take bf16,
     * other models refuse it by name.
     */
    public static EvaluationResult evaluate(Path model, Path data, DataOptions read, boolean modelTargets, String precision,
                                            RunListener listener) {
        if (readsCorpus(model) || ImageClassifier.isImageModel(model)) {
            refuseBf16(precision, model);
        }
        if (readsCorpus(model)) {
            return evaluateCorpus(model, data, null, listener);
        }
        if (ImageClassifier.isImageModel(model)) {
            return images(model, data, read, modelTargets, listener);
        }
        if (precision != null) {
            Precision.parse(precision, CpuFeatures.current()); // an unknown name is refused before the data is read
        }
        DataOptions options = modelTargets ? read.withTargets(ModelDirectory.targetFormat(model)) : read;
        TextDataset dataset = TextDataReader.read(data, options);
        TrainingRun.skippedNote(dataset).ifPresent(listener::message);
        try (TextClassifier classifier = TextClassifier.load(model)) {
            if (precision != null) {
                classifier.predictIn(precision);
            }
            TaskKind kind = classifier.task().kind();
            TaskMetrics metrics = kind == TaskKind.CLASSIFICATION
                    ? Evaluator.evaluate(classifier, dataset, listener.progress()).metrics()
                    : Evaluator.score(classifier, dataset, listener.progress());
            return new EvaluationResult(metrics, kind, dataset.size(), false);
        }
    }

    /**
     * Whether the model in {@code model} is scored on tagged sentences (token classification) or questions with
     * contexts (question answering) rather than rows with a label column: {@link #evaluateCorpus} scores it.
     */
    public static boolean readsCorpus(Path model) {
        return TokenClassifier.isTokenModel(model) || QuestionAnswerer.isQaModel(model);
    }

    /**
     * Scores a token-classification model on tagged sentences (entity precision, recall, F1 overall and per type, token
     * accuracy), or a question-answering model on questions with gold answers (exact match and F1, HasAns/NoAns for
     * SQuAD v2.0 data, next to the word-overlap baseline).
     *
     * @param corpusFormat conll or jsonl (tagged sentences), squad or jsonl (questions); {@code null}: from the file
     */
    public static EvaluationResult evaluateCorpus(Path model, Path data, String corpusFormat, RunListener listener) {
        if (QuestionAnswerer.isQaModel(model)) {
            SquadDataset d = SequenceTaskRun.readQuestions(data, SequenceTaskRun.questionFormat(corpusFormat), listener);
            try (QuestionAnswerer answerer = QuestionAnswerer.load(model)) {
                SquadMetrics.Scores s = answerer.score(d.questions(), listener.progress());
                OverlapSentenceBaseline baseline = OverlapSentenceBaseline.trimmed();
                return new EvaluationResult(s, TaskKind.QUESTION_ANSWERING, d.questions().size(), false,
                        Map.of(baseline.name(), baseline.score(d.questions())), d.skipped().size());
            }
        }
        TaggedCorpus corpus = SequenceTaskRun.readTagged(data, SequenceTaskRun.taggedFormat(corpusFormat));
        try (TokenClassifier classifier = TokenClassifier.load(model)) {
            EntityMetrics.Scores s = classifier.score(corpus.sentences(), listener.progress());
            return new EvaluationResult(s, TaskKind.TOKEN_CLASSIFICATION, corpus.sentences().size(), false);
        }
    }

    private static EvaluationResult images(Path model, Path data, DataOptions read, boolean modelTargets, RunListener listener) {
        try (ImageClassifier c = ImageClassifier.load(model)) {
            Task task = c.task();
            ImageDataset d = ImageInputs.verified(ImageDataReader.read(data, modelTargets ? task.targetFormat() : read.targets()), 2,
                    false, listener::message);
            requireKnownTargets(d, task, data);
            List<Path> files = d.examples().stream().map(ImageExample::file).toList();
            TaskMetrics m = task.score(c.probabilities(files), Tasks.targets(task, d.targetColumn()));
            return new EvaluationResult(m, task.kind(), d.size(), true);
        }
    }

    /**
     * Refuses bf16 asked for by name for {@code model}, a model that predicts in fp32 (segmentation, token
     * classification, question answering, images); fp32, auto and {@code null} (none given) pass.
     */
    public static void refuseBf16(String precision, Path model) {
        if (precision != null && Precision.namesBf16(precision)) {
            throw new IllegalArgumentException(Arguments.name("precision") + " bf16 applies to text classifiers; " + model
                    + " predicts in fp32.");
        }
    }

    /** Refuses classes (or labels) of the data that the model does not know, naming them and the data. */
    private static void requireKnownTargets(ImageDataset d, Task task, Path data) {
        if (task.kind() == TaskKind.REGRESSION) {
            return;
        }
        Set<String> unknown = new TreeSet<>(d.targetCounts().keySet());
        task.outputNames().forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            String what = task.kind() == TaskKind.CLASSIFICATION ? "class" : "label";
            throw new DataException(data + " has " + what + "(es) " + unknown + " that the model does not know ("
                    + task.outputNames() + ").");
        }
    }
}
