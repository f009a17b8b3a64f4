package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.artifact.ImageClassifier;
import dev.graft.artifact.Json;
import dev.graft.artifact.Prediction;
import dev.graft.data.BoundedLineReader;
import dev.graft.data.DataException;
import dev.graft.util.Excerpt;
import dev.graft.data.TaskKind;
import dev.graft.task.TaskPrediction;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code graft predict} for image models of any task ({@code evaluate} is core's {@link dev.graft.run.EvaluationRun}). */
final class ImageEvaluation {

    private ImageEvaluation() {
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
