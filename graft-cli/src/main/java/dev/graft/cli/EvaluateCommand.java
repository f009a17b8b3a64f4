package dev.graft.cli;

import dev.graft.artifact.Json;
import dev.graft.data.TaskKind;
import dev.graft.run.EvaluationResult;
import dev.graft.run.EvaluationRun;
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
        if (dev.graft.artifact.QuestionAnswerer.isQaModel(model)) {
            return QaEvaluation.evaluate(model, data, options.format, json, quiet, spec.commandLine().getOut());
        }
        if (dev.graft.artifact.ImageSegmenter.isSegmentationModel(model)) {
            return SegmentationCli.evaluate(model, data, json, spec.commandLine().getOut());
        }
        if (dev.graft.artifact.TokenClassifier.isTokenModel(model)) {
            return TokenEvaluation.evaluate(model, data, options.format, json, quiet, spec.commandLine().getOut());
        }
        EvaluationResult r = EvaluationRun.evaluate(model, data, options.toOptions(), options.task == null,
                TrainingOptions.listener(System.err, quiet || json));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(r.metrics().toMap()));
        } else if (r.images() || r.task() == TaskKind.CLASSIFICATION) {
            out.println("Evaluation of " + model + (r.task() == TaskKind.CLASSIFICATION ? "" : " (" + r.task().key() + ")")
                    + " on " + data + " (" + r.examples() + (r.images() ? " images" : " examples") + "):");
            out.println(r.metrics().toTable());
        } else {
            out.println("Evaluation of " + model + " (" + r.task().key() + ") on " + data + " (" + r.examples() + " examples):");
            r.metrics().values().forEach((k, v) -> out.printf(java.util.Locale.ROOT, "  %-16s %.4f%n", k, v));
        }
        out.flush();
        return 0;
    }
}
