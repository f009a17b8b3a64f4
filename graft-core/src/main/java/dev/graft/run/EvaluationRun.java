package dev.graft.run;

import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.DataException;
import dev.graft.data.DataOptions;
import dev.graft.data.TaskKind;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.eval.Evaluator;
import dev.graft.metrics.TaskMetrics;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import java.nio.file.Path;
import java.util.List;
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
        if (ImageClassifier.isImageModel(model)) {
            return images(model, data, read, modelTargets, listener);
        }
        DataOptions options = modelTargets ? read.withTargets(ModelDirectory.targetFormat(model)) : read;
        TextDataset dataset = TextDataReader.read(data, options);
        TrainingRun.skippedNote(dataset).ifPresent(listener::message);
        try (TextClassifier classifier = TextClassifier.load(model)) {
            TaskKind kind = classifier.task().kind();
            TaskMetrics metrics = kind == TaskKind.CLASSIFICATION
                    ? Evaluator.evaluate(classifier, dataset, listener.progress()).metrics()
                    : Evaluator.score(classifier, dataset, listener.progress());
            return new EvaluationResult(metrics, kind, dataset.size(), false);
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
