package dev.graft.cli;

import dev.graft.run.BackboneRankingRun;
import dev.graft.run.RankingRequest;
import dev.graft.run.RankingResult;
import dev.graft.selection.RankedBackbone;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft rank}: which pretrained backbone suits this data, by LogME, in seconds (core's {@link BackboneRankingRun}). */
@Command(name = "rank", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rank candidate backbones for your labelled data by LogME (You et al. 2021): the evidence of a Bayesian linear"
                + " model on each backbone's frozen features of the training split. Features come from the embedding cache that"
                + " feature extraction uses, so a ranking costs one backbone pass per candidate the first time and seconds after.",
                "Higher LogME is better; scores compare backbones on the same data only. Classes are scored one-vs-rest,"
                        + " multi-label data label by label (averaged, as the LogME paper does), a regression target directly."
                        + " --measure also trains a feature-extraction head per candidate and prints its scores (accuracy and"
                        + " macro-F1; multi-label macro-F1, micro-F1, mAP; regression RMSE, Pearson, Spearman) and Kendall's tau"
                        + " between the two orders (on accuracy, macro-F1 or RMSE).",
                "Text candidates: minilm, minilm-random (same architecture, random weights: the no-transfer baseline),"
                        + " minilm-cls ([CLS] pooling), a model directory or hf:org/name. Image candidates (folder data):"
                        + " imported names such as mobilenetv2, and NAME-random.",
                "Options --model, --strategy and the fine-tune options are refused: rank does not use them.", ""})
final class RankCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--models", split = ",", paramLabel = "NAME", defaultValue = "minilm,minilm-random,minilm-cls",
            description = "Comma-separated candidate backbones (default: ${DEFAULT-VALUE}; for images e.g. mobilenetv2,mobilenetv2-random).")
    List<String> models;

    @Option(names = "--measure", description = "Also train a feature-extraction head on each candidate and print its measured accuracy.")
    boolean measure;

    @Option(names = "--image-size", paramLabel = "N", description = "images: crop size fed to the network instead of the model's (at least 32, e.g. 96).")
    Integer imageSize;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        UnusedOptions.refuse(spec, "rank scores frozen features of the --models candidates (and with --measure trains a"
                + " feature-extraction head on each); try a strategy with graft train or graft compare.",
                UnusedOptions.concat(UnusedOptions.FINE_TUNING, "--model", "--strategy", "--device"));
        RankingRequest request = RankingRequest.of(options.request().imageSize(imageSize)).models(models).measure(measure);
        print(spec.commandLine().getOut(), BackboneRankingRun.run(request, TrainingOptions.listener(System.err, quiet)));
        return 0;
    }

    static void print(PrintWriter out, RankingResult result) {
        List<RankedBackbone> ranked = result.ranked();
        List<String> columns = result.metric().columns();
        boolean measured = result.measured();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-4s %-22s %10s %11s %9s", "rank", "backbone", "LogME",
                "features s", "LogME s"));
        if (measured) {
            columns.forEach(c -> header.append(String.format(Locale.ROOT, " %9s", c.equals("macro_f1") ? "macro-F1" : c)));
        }
        out.println();
        out.println(header);
        int i = 1;
        for (RankedBackbone r : ranked) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-4d %-22s %10.4f %11.1f %9.2f", i++, r.name(), r.logMe(),
                    r.featureSeconds(), r.scoreSeconds()));
            if (measured) {
                columns.forEach(c -> row.append(String.format(Locale.ROOT, " %9.4f", r.measured().get().value(c))));
            }
            out.println(row);
        }
        result.kendallTau().ifPresent(tau -> out.printf(Locale.ROOT, "Kendall's tau between LogME and measured %s: %.2f (1 = same order)%n",
                result.metric().name(), tau));
        out.println("Measured " + result.metric().name() + " is on the test split when one is given (--test), else on the validation split.");
        out.flush();
    }
}
