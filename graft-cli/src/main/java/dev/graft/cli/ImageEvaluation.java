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
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.training.Inference;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code graft evaluate} and {@code graft predict} for image models. */
final class ImageEvaluation {

    private ImageEvaluation() {
    }

    static int evaluate(Path model, Path data, boolean json, PrintWriter out) throws Exception {
        ImageDataset d = ImageDataReader.read(data).verify(2, false);
        d.notices().forEach(System.err::println);
        try (ImageClassifier c = ImageClassifier.load(model)) {
            List<Path> files = d.examples().stream().map(ImageExample::file).toList();
            float[][] probs = c.probabilities(files);
            int[] gold = new int[probs.length];
            int[] pred = new int[probs.length];
            for (int i = 0; i < probs.length; i++) {
                String label = d.examples().get(i).label();
                if (!c.labels().contains(label)) {
                    throw new DataException(data + " has class '" + label + "', which the model does not know (" + c.labels().labels() + ").");
                }
                gold[i] = c.labels().indexOf(label);
                pred[i] = Inference.argmax(probs[i]);
            }
            ClassificationMetrics m = ClassificationMetrics.of(gold, pred, c.labels().labels());
            if (json) {
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(m.toMap()));
            } else {
                out.println("Evaluation of " + model + " on " + data + " (" + d.size() + " images):");
                out.println(m.toTable());
            }
            out.flush();
        }
        return 0;
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
            for (int s = 0; s < files.size(); s += 64) {
                List<Path> chunk = files.subList(s, Math.min(files.size(), s + 64));
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
}
