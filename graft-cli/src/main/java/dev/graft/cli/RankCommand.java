package dev.graft.cli;

import dev.graft.run.ImageInputs;
import dev.graft.data.DatasetSplits;
import dev.graft.data.image.ImageSplits;
import dev.graft.model.text.TextModels;
import dev.graft.selection.BackboneRanking;
import dev.graft.selection.RankedBackbone;
import dev.graft.strategy.FeatureExtractionConfig;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft rank}: which pretrained backbone suits this data, by LogME, in seconds. */
@Command(name = "rank", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rank candidate backbones for your labelled data by LogME (You et al. 2021): the evidence of a Bayesian linear"
                + " model on each backbone's frozen features of the training split. Features come from the embedding cache that"
                + " feature extraction uses, so a ranking costs one backbone pass per candidate the first time and seconds after.",
                "Higher LogME is better; scores compare backbones on the same data only. --measure also trains a"
                        + " feature-extraction head per candidate and prints its accuracy and Kendall's tau between the two orders.",
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
        options.checkSplitSettings();
        if (models.isEmpty()) {
            throw new IllegalArgumentException("--models needs at least one backbone name.");
        }
        PrintStream err = System.err;
        FeatureExtractionConfig config = options.featureExtractionConfig();
        List<RankedBackbone> scores = new ArrayList<>();
        if (dev.graft.data.image.ImageDataReader.isImageData(options.train)) {
            ImageSplits splits = ImageInputs.splits(options.request(), err::println);
            int threads = options.request().imageThreads();
            config = config.withThreads(threads);
            for (String name : models) {
                progressLine(err, name);
                scores.add(BackboneRanking.image(name, ImageInputs.backbone(name, imageSize), splits, config, Math.max(1, threads),
                        measure, new BarProgress(err, quiet)));
            }
        } else {
            DatasetSplits splits = options.readSplits(err);
            options.report(splits, err, quiet);
            for (String name : models) {
                progressLine(err, name);
                scores.add(BackboneRanking.text(name, TextModels.resolve(name, new BarProgress(err, quiet)), splits, config, measure,
                        new BarProgress(err, quiet)));
            }
        }
        print(spec.commandLine().getOut(), BackboneRanking.sorted(scores));
        return 0;
    }

    private void progressLine(PrintStream err, String name) {
        if (!quiet) {
            err.println("scoring " + name + (measure ? " (LogME, then a feature-extraction head)" : " (LogME)"));
        }
    }

    static void print(PrintWriter out, List<RankedBackbone> ranked) {
        boolean measured = ranked.stream().allMatch(r -> r.measured().isPresent());
        out.println();
        out.printf(Locale.ROOT, "%-4s %-22s %10s %11s %9s%s%n", "rank", "backbone", "LogME", "features s", "LogME s",
                measured ? String.format(Locale.ROOT, " %9s %9s", "accuracy", "macro-F1") : "");
        int i = 1;
        for (RankedBackbone r : ranked) {
            out.printf(Locale.ROOT, "%-4d %-22s %10.4f %11.1f %9.2f%s%n", i++, r.name(), r.logMe(), r.featureSeconds(), r.scoreSeconds(),
                    r.measured().map(m -> String.format(Locale.ROOT, " %9.4f %9.4f", m.accuracy(), m.macroF1())).orElse(""));
        }
        if (measured && ranked.size() > 1) {
            double[] logme = ranked.stream().mapToDouble(RankedBackbone::logMe).toArray();
            double[] acc = ranked.stream().mapToDouble(r -> r.measured().get().accuracy()).toArray();
            out.printf(Locale.ROOT, "Kendall's tau between LogME and measured accuracy: %.2f (1 = same order)%n",
                    BackboneRanking.kendallTau(logme, acc));
        }
        out.println("Measured accuracy is on the test split when one is given (--test), else on the validation split.");
        out.flush();
    }
}
