package dev.graft.cli;

import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.Json;
import dev.graft.data.DataException;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.metrics.TaskMetrics;
import dev.graft.task.Task;
import dev.graft.task.Tasks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** {@code graft evaluate} for image models of any task. */
final class ImageEvaluation {

    private ImageEvaluation() {
    }

    /**
     * Scores an image model on labelled images: their targets read as the model was trained ({@code targets} when the
     * user names a format, else the model's task's), any task's metrics printed as a table or one JSON object.
     *
     * @param targets how the data's labels are written, or {@code null} for the model's own format
     */
    static int evaluate(Path model, Path data, TargetFormat targets, boolean json, PrintWriter out) throws Exception {
        try (ImageClassifier c = ImageClassifier.load(model)) {
            Task task = c.task();
            ImageDataset d = ImageDataReader.read(data, targets != null ? targets : task.targetFormat()).verify(2, false);
            d.notices().forEach(System.err::println);
            requireKnownTargets(d, task, data);
            List<Path> files = d.examples().stream().map(ImageExample::file).toList();
            TaskMetrics m = task.score(c.probabilities(files), Tasks.targets(task, d.targetColumn()));
            if (json) {
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(m.toMap()));
            } else {
                out.println("Evaluation of " + model + (task.kind() == TaskKind.CLASSIFICATION ? "" : " (" + task.kind().key() + ")")
                        + " on " + data + " (" + d.size() + " images):");
                out.println(m.toTable());
            }
            out.flush();
        }
        return 0;
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
