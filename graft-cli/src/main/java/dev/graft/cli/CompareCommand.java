package dev.graft.cli;

import dev.graft.run.ImageInputs;
import dev.graft.data.DatasetSplits;
import dev.graft.data.image.Augmentation;
import dev.graft.data.image.ImageSplits;
import dev.graft.model.peft.PeftSpec;
import dev.graft.model.text.TextModelSpec;
import dev.graft.selection.Recommendation;
import dev.graft.selection.RunResult;
import dev.graft.selection.StrategyComparison;
import dev.graft.selection.StrategyRun;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.ImageBackbone;
import dev.graft.strategy.ImageTransfer;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Monitor;
import dev.graft.training.TrainConfig;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft compare}: the transfer strategies and a random-init baseline, measured on the same splits. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run feature extraction, fine-tuning, LoRA (text only: default rank, alpha, targets; its updates train at"
                + " --lr-backbone when given, else " + PeftSpec.DEFAULT_LEARNING_RATE + ") and fine-tuning from random weights (same architecture, same recipe: the"
                + " no-transfer baseline) on the same splits and print a measured table: accuracy and macro-F1 (test split when"
                + " given, else validation), wall time, trainable parameters and peak memory (process RSS, reset before each run).",
                "Then a recommendation by a fixed rule: a gap counts above max(--margin, 2 standard errors). Fine-tuning pays"
                        + " when it beats feature extraction by that gap (twice that below 1000 training examples); then LoRA is"
                        + " recommended instead if it is within the gap of fine-tuning with fewer trainable parameters. When"
                        + " fine-tuning does not pay, LoRA is recommended if it beats feature extraction by the same (possibly"
                        + " doubled) gap; otherwise feature extraction. Negative-transfer check: flagged when the best pretrained"
                        + " run does not beat the baseline by that gap.",
                "Training options (--epochs, --lr, --unfreeze, ...) apply to the runs they concern, as in graft train;"
                        + " fine-tuning is slow on a CPU: use --max-train and --epochs (and --image-size for images) to size a comparison.", ""})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--margin", defaultValue = "0.02", paramLabel = "F",
            description = "Smallest accuracy gap that counts (fraction; default: ${DEFAULT-VALUE}); raised to 2 standard errors on small evaluation sets.")
    double margin;

    @Option(names = "--image-size", paramLabel = "N", description = "images: crop size fed to the network instead of the model's (at least 32, e.g. 64).")
    Integer imageSize;

    @Option(names = "--augment", defaultValue = "standard", paramLabel = "standard|noflip|none",
            description = "images, fine-tune runs: train-time augmentation (default: ${DEFAULT-VALUE}; digits: noflip).")
    String augment;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("--margin must be a fraction in [0, 1), e.g. 0.02, got " + margin + ".");
        }
        UnusedOptions.refuse(spec, "graft compare runs every strategy itself (feature extraction, fine-tuning, LoRA with its"
                + " defaults, and the random-init baseline); drop them, or use graft train to try one setting.",
                List.of("--strategy", "--lora-rank", "--lora-alpha", "--lora-dropout", "--lora-targets", "--adapter-size",
                        "--train-layernorms"));
        options.checkSplitSettings();
        PrintStream err = System.err;
        options.checkDevice(err);
        List<StrategyRun> runs;
        int trainSize;
        if (dev.graft.data.image.ImageDataReader.isImageData(options.train)) {
            options.refuseBf16ForImages();
            String name = "minilm".equals(options.model) ? "mobilenetv2" : options.model;
            ImageBackbone backbone = ImageInputs.backbone(name, imageSize);
            ImageSplits splits = ImageInputs.splits(options.request(), err::println);
            trainSize = splits.train().size();
            int threads = options.request().imageThreads();
            if (!quiet) {
                err.printf("images: train %d, val %d%s; backbone %s (%s)%n", splits.train().size(), splits.val().size(),
                        splits.test().map(t -> ", test " + t.size()).orElse(""), backbone.id(), backbone.preprocessing());
            }
            FeatureExtractionConfig fe = FeatureExtractionConfig.defaults();
            fe = fe.withTraining(imageTrainConfig(fe.training(), false)).withHiddenUnits(options.hidden).withDropout(options.dropout)
                    .withThreads(threads);
            FineTuneConfig ft = ImageTransfer.cnnDefaults();
            int depth = options.unfreeze == null ? 3 : TrainingOptions.parseUnfreeze(options.unfreeze);
            ft = ft.withTraining(imageTrainConfig(ft.training(), true)).withFreeze(new FreezeSchedule(depth, options.headEpochs, options.gradual, false))
                    .withHead(options.hidden, options.dropout);
            runs = StrategyComparison.imageRuns(backbone, splits, fe, ft, Augmentation.parse(augment), Math.max(1, Math.min(2, threads)),
                    new BarProgress(err, quiet), List.of(new EpochProgress(err, quiet)));
        } else {
            DatasetSplits splits = options.readSplits(err);
            options.report(splits, err, quiet);
            trainSize = splits.train().size();
            TextModelSpec backbone = options.resolveModel(err, quiet);
            runs = StrategyComparison.textRuns(backbone, splits, options.featureExtractionConfig(), options.fineTuneConfig(),
                    options.lrBackbone == null ? OptionalDouble.empty() : OptionalDouble.of(options.lrBackbone),
                    new BarProgress(err, quiet), List.of(new EpochProgress(err, quiet)));
        }
        List<RunResult> results = StrategyComparison.run(runs, name -> {
            if (!quiet) {
                err.println("== " + name);
            }
        });
        print(spec.commandLine().getOut(), results, Recommendation.of(results, trainSize, margin));
        return 0;
    }

    /** Image runs keep their strategy's defaults except for the options the user gave (as graft train does). */
    private TrainConfig imageTrainConfig(TrainConfig defaults, boolean fineTune) {
        TrainConfig tc = defaults.withSeed(options.seed).withMonitor(Monitor.parse(options.monitor))
                .overriding(options.epochs, fineTune ? options.learningRate : options.learningRate, options.batchSize, options.patience);
        return options.weightDecay != 0.01 ? tc.withWeightDecay(options.weightDecay) : tc;
    }

    static void print(PrintWriter out, List<RunResult> results, Recommendation rec) {
        String split = results.get(0).scoredSplit();
        out.println();
        out.printf(Locale.ROOT, "%-26s %9s %9s %9s %12s %12s %7s%n", "run (" + split + ")", "accuracy", "macro-F1", "time s",
                "trainable", "peak MiB", "epochs");
        for (RunResult r : results) {
            out.printf(Locale.ROOT, "%-26s %9.4f %9.4f %9.1f %12d %12.0f %7s%n", r.name(), r.scored().accuracy(), r.scored().macroF1(),
                    r.seconds(), r.trainable(), r.peakMemoryMb(), r.bestEpoch() + "/" + r.epochsRun());
        }
        if (results.stream().anyMatch(r -> !r.peakIsPerRun())) {
            out.println("(peak memory could not be reset between runs: each figure is the process peak up to that run)");
        }
        out.println();
        out.println("Recommendation: " + rec.recommended() + (rec.negativeTransfer() ? "   [NEGATIVE TRANSFER: pretrained does not beat the baseline]" : ""));
        for (String reason : rec.reasons()) {
            out.println("  - " + reason);
        }
        out.flush();
    }
}
