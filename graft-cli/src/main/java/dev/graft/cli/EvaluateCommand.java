package dev.graft.cli;

import dev.graft.artifact.Json;
import dev.graft.artifact.TextClassifier;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.eval.Evaluation;
import dev.graft.eval.Evaluator;
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
        description = "Score a trained model on labelled data: accuracy, macro precision/recall/F1, per-class figures, confusion matrix.")
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
        if (dev.graft.artifact.ImageClassifier.isImageModel(model)) {
            return ImageEvaluation.evaluate(model, data, json, spec.commandLine().getOut());
        }
        TextDataset dataset = TextDataReader.read(data, options.toOptions());
        DataOptionsMixin.skippedNote(dataset).ifPresent(System.err::println);
        try (TextClassifier classifier = TextClassifier.load(model)) {
            Evaluation evaluation = Evaluator.evaluate(classifier, dataset, new BarProgress(System.err, quiet || json));
            PrintWriter out = spec.commandLine().getOut();
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
