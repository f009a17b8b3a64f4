package dev.graft.cli;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.WeightAveraging;
import dev.graft.data.DataOptions;
import dev.graft.run.EvaluationRun;
import dev.graft.selection.ComparedMetric;
import dev.graft.selection.GreedySoup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft average}: the weight average of saved models ({@link WeightAveraging}). */
@Command(name = "average", mixinStandardHelpOptions = true,
        description = {"Average the weights of models trained from the same backbone for the same task and labels (checkpoint"
                + " averaging, a model soup): every weight of the new model is the mean of theirs. Models that differ in"
                + " anything but their weights are refused, naming the file and what differs.", ""})
final class AverageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory; give two or more.")
    List<Path> models;

    @Option(names = "--weight", split = ",", paramLabel = "W",
            description = "One non-negative weight per --model, in the same order (normalised to sum to one); default: equal.")
    List<Double> weights;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The averaged model's directory (new, empty, or a Graft model).")
    Path out;

    @Option(names = "--greedy", paramLabel = "VAL_FILE", description = "Make a greedy soup instead (Wortsman et al. 2022):"
            + " sort the models by their score on this labelled file (the task's figure: accuracy, macro-F1, RMSE), add each"
            + " next one when the average does not score worse, and write the soup only when it beats the best model alone.")
    Path greedy;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() {
        if (greedy != null) {
            return soup();
        }
        WeightAveraging.Averaged r = WeightAveraging.average(models, weights, out);
        PrintWriter w = spec.commandLine().getOut();
        for (int i = 0; i < r.sources().size(); i++) {
            w.printf(Locale.ROOT, "  %.4f  %s%n", r.weights().get(i), r.sources().get(i));
        }
        w.printf(Locale.ROOT, "Averaged %d tensors (%,d values) of %d models into %s%n", r.tensors(), r.parameters(),
                r.sources().size(), r.directory());
        w.flush();
        return 0;
    }

    private Integer soup() {
        if (weights != null) {
            throw new IllegalArgumentException("--weight does not apply to --greedy: a greedy soup weighs its models equally.");
        }
        ComparedMetric metric = ComparedMetric.forKind(ModelDirectory.taskKind(models.get(0)));
        GreedySoup.Result r = GreedySoup.brew(models.stream().map(m -> new GreedySoup.Ingredient(m.toString(), m)).toList(), metric,
                m -> EvaluationRun.evaluate(m, greedy, DataOptions.defaults(), true, TrainingOptions.listener(System.err, quiet))
                        .metrics().value(metric.name()), out);
        PrintWriter w = spec.commandLine().getOut();
        for (int i = 0; i < r.ranked().size(); i++) {
            w.printf(Locale.ROOT, "  %s %.4f  %s%n", metric.name(), r.scores().get(i), r.ranked().get(i).name());
        }
        for (GreedySoup.Step s : r.steps()) {
            w.printf(Locale.ROOT, "  + %s: %.4f  %s%n", s.added(), s.score(), s.kept() ? "joins" : "left out");
        }
        w.println((r.kept() ? "Soup written to " + out + ": " : "No soup written: ") + r.reason());
        w.flush();
        return 0;
    }
}
