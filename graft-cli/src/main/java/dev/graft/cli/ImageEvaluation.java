package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.Json;
import dev.graft.artifact.Prediction;
import dev.graft.data.BoundedLineReader;
import dev.graft.data.DataException;
import dev.graft.util.Excerpt;
import dev.graft.data.image.ImageDataReader;
import dev.graft.data.image.ImageDataset;
import dev.graft.data.image.ImageExample;
import dev.graft.data.TargetFormat;
import dev.graft.data.TaskKind;
import dev.graft.metrics.TaskMetrics;
import dev.graft.task.Task;
import dev.graft.task.TaskPrediction;
import dev.graft.task.Tasks;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** {@code graft evaluate} and {@code graft predict} for image models of any task. */
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

    static int predict(Path model, BoundedLineReader in, String inputName, boolean json, PrintWriter out) throws Exception {
        List<Path> files = new ArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            int n = in.lineNumber();
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            Path p = Path.of(t);
            if (!Files.isRegularFile(p)) {
                throw new DataException(inputName + " line " + n + ": image " + Excerpt.of(t) + " does not exist (absolute: "
                        + Excerpt.of(p.toAbsolutePath().toString()) + ").");
            }
            files.add(p);
        }
        try (ImageClassifier c = ImageClassifier.load(model)) {
            TaskKind kind = c.task().kind();
            for (int s = 0; s < files.size(); s += 64) {
                List<Path> chunk = files.subList(s, Math.min(files.size(), s + 64));
                if (kind != TaskKind.CLASSIFICATION) {
                    emitTask(c, chunk, json, out);
                    continue;
                }
                List<Prediction> preds = c.predict(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    Prediction p = preds.get(i);
                    if (json) {
                        ObjectNode o = Json.MAPPER.createObjectNode();
                        o.put("image", chunk.get(i).toString());
                        o.put("label", p.label());
                        o.put("probability", p.probability());
                        ObjectNode all = o.putObject("probabilities");
                        for (int k = 0; k < c.labels().size(); k++) {
                            all.put(c.labels().label(k), p.probabilities()[k]);
                        }
                        out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                                .writeValueAsString(o));
                    } else {
                        out.printf(Locale.ROOT, "%s\t%.4f\t%s%n", p.label(), p.probability(), chunk.get(i));
                    }
                }
            }
            out.flush();
        }
        if (files.isEmpty()) {
            System.err.println("warning: " + inputName + " has no image paths; nothing to predict.");
        }
        return 0;
    }

    /**
     * Prints the predictions of a multi-label model (every label at or above its threshold, with its probability) or a
     * regression model (the value) for one chunk of images, as text predictions are printed.
     */
    private static void emitTask(ImageClassifier c, List<Path> chunk, boolean json, PrintWriter out) throws Exception {
        TaskKind kind = c.task().kind();
        List<TaskPrediction> preds = c.decode(c.probabilities(chunk));
        for (int i = 0; i < chunk.size(); i++) {
            if (json) {
                ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("image", chunk.get(i).toString());
                TaskPredictionOutput.addTo(o, preds.get(i), kind);
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(o));
            } else {
                out.printf(Locale.ROOT, "%s\t%s%n", TaskPredictionOutput.column(preds.get(i), kind), chunk.get(i));
            }
        }
    }
}
