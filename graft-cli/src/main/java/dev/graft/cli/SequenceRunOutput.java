package dev.graft.cli;

import dev.graft.metrics.TaskMetrics;
import dev.graft.run.TrainingResult;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.strategy.TokenClassification;
import dev.graft.training.EpochLog;
import dev.graft.training.FitResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code graft train --task ner} and {@code --task qa} print when core's run is done: the kept model's scores,
 * the baselines, the timings and where the model and the run went.
 */
final class SequenceRunOutput {

    private SequenceRunOutput() {
    }

    /** Prints {@code result} of a token-classification or question-answering run saved to {@code out}. */
    static void print(TrainingResult result, Path out, PrintWriter stdout) {
        boolean qa = result.outcome() instanceof QuestionAnswering.Outcome;
        String unit = qa ? " questions" : " sentences";
        FitResult fit = result.outcome().fit();
        stdout.println();
        stdout.println("Validation (" + result.validationExamples() + unit + ", best epoch " + fit.bestEpoch() + "):");
        stdout.print(result.outcome().validation().toTable());
        if (result.outcome() instanceof QuestionAnswering.Outcome o && o.answerer().task().noAnswer()) {
            stdout.printf(Locale.ROOT, "  no-answer threshold (tuned for F1): %.4f%n", o.answerer().task().nullThreshold());
        }
        result.outcome().test().ifPresent(t -> {
            stdout.println("Test (" + result.testExamples().orElse(0) + unit + "):");
            stdout.print(t.toTable());
        });
        String split = result.testExamples().isPresent() ? "test" : "validation";
        for (var b : result.baselineScores().entrySet()) {
            TaskMetrics s = b.getValue();
            stdout.println("Baseline " + b.getKey() + " (" + split + "):");
            stdout.print(s.toTable());
        }
        double epochs = fit.history().stream().mapToDouble(EpochLog::seconds).average().orElse(Double.NaN);
        if (result.outcome() instanceof TokenClassification.Outcome o) {
            boolean frozen = o.classifier().strategy().equals(dev.graft.strategy.FeatureExtraction.NAME);
            stdout.printf(Locale.ROOT, "Per-token states: %.1f s%s   training: %.1f s (%.1f s per epoch, %d epochs)   total: %.1f s%n",
                    o.encodeSeconds(), !frozen ? "" : o.cachedSplits() > 0 ? " (" + o.cachedSplits()
                            + " split(s) from cache)" : " (computed and cached)", fit.seconds(), epochs, fit.history().size(),
                    result.totalSeconds());
        } else if (result.outcome() instanceof QuestionAnswering.Outcome o) {
            stdout.printf(Locale.ROOT, "Windows: %d training   per-token states: %.1f s   training: %.1f s (%.1f s per epoch,"
                    + " %d epochs)   total: %.1f s%n", o.windows(), o.encodeSeconds(), fit.seconds(), epochs, fit.history().size(),
                    result.totalSeconds());
        }
        stdout.println((result.replaced() ? "Replaced the model at " : "Saved the model to ") + out.toAbsolutePath()
                + "  (metrics: " + out.resolve("metrics.json") + ")");
        TrackingOptionsMixin.printWhere(stdout, out, result.trackingRunId(), result.trackingLocation());
        stdout.flush();
    }
}
