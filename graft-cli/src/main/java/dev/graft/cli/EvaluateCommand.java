package dev.graft.cli;

import dev.graft.artifact.Json;
import dev.graft.data.TaskKind;
import dev.graft.metrics.EntityMetrics;
import dev.graft.metrics.SquadMetrics;
import dev.graft.run.EvaluationResult;
import dev.graft.run.EvaluationRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
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

    @Mixin
    InferencePrecisionMixin inference;

    @Override
    public Integer call() throws Exception {
        if (dev.graft.artifact.ImageSegmenter.isSegmentationModel(model) || EvaluationRun.readsCorpus(model)) {
            EvaluationRun.refuseBf16(inference.precision, model);
        }
        if (dev.graft.artifact.ImageSegmenter.isSegmentationModel(model)) {
            return SegmentationCli.evaluate(model, data, json, spec.commandLine().getOut());
        }
        EvaluationResult r = EvaluationRun.readsCorpus(model) // tagged sentences, questions: --format names their format
                ? EvaluationRun.evaluateCorpus(model, data, options.format, TrainingOptions.listener(System.err, quiet || json))
                : EvaluationRun.evaluate(model, data, options.toOptions(), options.task == null, inference.precision,
                        TrainingOptions.listener(System.err, quiet || json));
        PrintWriter out = spec.commandLine().getOut();
        if (!json && r.metrics() instanceof EntityMetrics.Scores s) {
            printEntities(out, s, r.examples());
        } else if (!json && r.metrics() instanceof SquadMetrics.Scores s) {
            out.println("Evaluation of " + model + " (question answering) on " + data + " (" + r.examples() + " questions"
                    + (r.skipped() == 0 ? "" : ", " + r.skipped() + " answer(s) or question(s) left out") + "):");
            printAnswers(out, s);
            r.baselines().forEach((name, b) -> {
                out.println("Baseline " + name + ":");
                printAnswers(out, (SquadMetrics.Scores) b);
            });
        } else if (json) {
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

    private void printEntities(PrintWriter out, EntityMetrics.Scores s, int sentences) {
        out.println("Evaluation of " + model + " (token classification) on " + data + " (" + sentences + " sentences, "
                + s.tokens() + " tokens):");
        out.printf(Locale.ROOT, "  %-10s %9s %9s %9s %8s%n", "type", "precision", "recall", "f1", "support");
        for (EntityMetrics.TypeScores t : s.perType()) {
            out.printf(Locale.ROOT, "  %-10s %9.4f %9.4f %9.4f %8d%n", t.type(), t.precision(), t.recall(), t.f1(), t.gold());
        }
        out.printf(Locale.ROOT, "  %-10s %9.4f %9.4f %9.4f %8d%n", "overall", s.precision(), s.recall(), s.f1(), s.micro().gold());
        out.printf(Locale.ROOT, "  token accuracy %.4f%n", s.tokenAccuracy());
    }

    private static void printAnswers(PrintWriter out, SquadMetrics.Scores s) {
        out.printf(Locale.ROOT, "  exact %.2f   f1 %.2f   (%d questions)%n", s.exact(), s.f1(), s.total());
        if (s.noAnsTotal() > 0) {
            out.printf(Locale.ROOT, "  HasAns exact %.2f   f1 %.2f   (%d)%n", s.hasAnsExact(), s.hasAnsF1(), s.hasAnsTotal());
            out.printf(Locale.ROOT, "  NoAns  exact %.2f   (%d)%n", s.noAnsExact(), s.noAnsTotal());
        }
    }
}
