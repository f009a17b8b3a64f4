package dev.graft.cli;

import dev.graft.artifact.Json;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.eval.Evaluation;
import dev.graft.eval.Evaluator;
import dev.graft.artifact.ModelDirectory;
import dev.graft.data.DataOptions;
import dev.graft.data.TaskKind;
import dev.graft.metrics.TaskMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft evaluate}: score a saved model on labelled data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Score a trained model on labelled data: accuracy, macro precision/recall/F1, per-class figures, confusion matrix;"
                + " for a token-classification (NER) model, entity precision/recall/F1 overall and per type and token accuracy"
                + " on tagged sentences (CoNLL or JSON Lines).")
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory written by `graft train`.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "Labelled data (CSV, TSV or JSONL); for image models a folder of class folders or a CSV of path,label.")
    Path data;

    @Mixin
    DataOptionsMixin options;

    @Option(names = "--json", description = "Print one JSON object (accuracy, macro_f1, n, labels, confusion_matrix, per_class, ...).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (dev.graft.artifact.ImageSegmenter.isSegmentationModel(model)) {
            return SegmentationCli.evaluate(model, data, json, spec.commandLine().getOut());
        }
        if (dev.graft.artifact.ImageClassifier.isImageModel(model)) {
            return ImageEvaluation.evaluate(model, data, options.task == null ? null : options.targets(), json,
                    spec.commandLine().getOut());
        }
        if (dev.graft.artifact.TokenClassifier.isTokenModel(model)) {
            return TokenEvaluation.evaluate(model, data, options.format, json, quiet, spec.commandLine().getOut());
        }
        // the data first (cheap, and its mistakes are the likelier ones), read as the model's task writes targets
        DataOptions read = options.toOptions();
        if (options.task == null) {
            read = read.withTargets(ModelDirectory.targetFormat(model));
        }
        TextDataset dataset = TextDataReader.read(data, read);
        DataOptionsMixin.skippedNote(dataset).ifPresent(System.err::println);
        try (TextClassifier classifier = TextClassifier.load(model)) {
            PrintWriter out = spec.commandLine().getOut();
            BarProgress progress = new BarProgress(System.err, quiet || json);
            if (classifier.task().kind() != TaskKind.CLASSIFICATION) {
                TaskMetrics metrics = Evaluator.score(classifier, dataset, progress);
                if (json) {
                    out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(metrics.toMap()));
                } else {
                    out.println("Evaluation of " + model + " (" + classifier.task().kind().key() + ") on " + data + " ("
                            + dataset.size() + " examples):");
                    metrics.values().forEach((k, v) -> out.printf(java.util.Locale.ROOT, "  %-16s %.4f%n", k, v));
                }
                out.flush();
                return 0;
            }
            Evaluation evaluation = Evaluator.evaluate(classifier, dataset, progress);
            if (json) {
                out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(evaluation.metrics().toMap()));
            } else {
                out.println("Evaluation of " + model + " on " + data + " (" + dataset.size() + " examples):");
                out.println(evaluation.metrics().toTable());
            }
            out.flush();
        }
        return 0;
    }
}
