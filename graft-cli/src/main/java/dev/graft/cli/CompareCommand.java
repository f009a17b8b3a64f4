package dev.graft.cli;

import dev.graft.model.peft.PeftSpec;
import dev.graft.run.ComparisonRequest;
import dev.graft.run.ComparisonResult;
import dev.graft.run.StrategyComparisonRun;
import dev.graft.selection.Recommendation;
import dev.graft.selection.RunResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft compare}: the transfer strategies and a random-init baseline, measured on the same splits (core's {@link StrategyComparisonRun}). */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run feature extraction, fine-tuning, LoRA (text only: default rank, alpha, targets; its updates train at"
                + " --lr-backbone when given, else " + PeftSpec.DEFAULT_LEARNING_RATE + ") and fine-tuning from random weights (same architecture, same recipe: the"
                + " no-transfer baseline) on the same splits and print a measured table: the task's figures (classification: accuracy and"
                + " macro-F1; multi-label: macro-F1, micro-F1, mAP; regression: RMSE, Pearson, Spearman; ner: entity micro-F1,"
                + " precision, recall; qa: SQuAD F1 and exact match, no LoRA; ner and qa have no random-init baseline; test split when"
                + " given, else validation), wall time, trainable parameters and peak memory (process RSS, reset before each run).",
                "Then a recommendation by a fixed rule on accuracy (multi-label: macro-F1; regression: RMSE, lower is better; or"
                        + " --metric): a gap counts above max(--margin, 2 standard errors; for figures other than accuracy the"
                        + " standard error is a bootstrap over the evaluation examples with the seed). Fine-tuning pays"
                        + " when it beats feature extraction by that gap (twice that below 1000 training examples); then LoRA is"
                        + " recommended instead if it is within the gap of fine-tuning with fewer trainable parameters. When"
                        + " fine-tuning does not pay, LoRA is recommended if it beats feature extraction by the same (possibly"
                        + " doubled) gap; otherwise feature extraction. Negative-transfer check: flagged when the best pretrained"
                        + " run does not beat the baseline by that gap.",
                "Training options (--epochs, --lr, --unfreeze, ...) apply to the runs they concern, as in graft train, except that"
                        + " feature extraction keeps its closed-form head unless --head-solver gradient is given (--epochs, --lr,"
                        + " --batch-size, ... then set how that head trains); fine-tuning is slow on a CPU: use --max-train and --epochs (and --image-size for images) to size a comparison.", ""})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--margin", defaultValue = "0.02", paramLabel = "F",
            description = "Smallest gap that counts, in the figure's units (accuracy, F1: a fraction; default: ${DEFAULT-VALUE}); raised to 2 standard errors on small evaluation sets.")
    double margin;

    @Option(names = "--image-size", paramLabel = "N", description = "images: crop size fed to the network instead of the model's (at least 32, e.g. 64).")
    Integer imageSize;

    @Option(names = "--augment", defaultValue = "standard", paramLabel = "standard|noflip|none",
            description = "images, fine-tune runs: train-time augmentation (default: ${DEFAULT-VALUE}; digits: noflip).")
    String augment;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--metric", paramLabel = "NAME",
            description = "The figure the recommendation decides on (default: accuracy for classification, macro_f1 for multi-label,"
                    + " rmse for regression, micro_f1 for ner, squad_f1 for qa; e.g. spearman, map).")
    String metric;

    @Override
    public Integer call() throws Exception {
        UnusedOptions.refuse(spec, "graft compare runs every strategy itself (feature extraction, fine-tuning, LoRA with its"
                + " defaults, and the random-init baseline); drop them, or use graft train to try one setting.",
                List.of("--strategy", "--lora-rank", "--lora-alpha", "--lora-dropout", "--lora-targets", "--adapter-size",
                        "--train-layernorms"));
        ComparisonRequest request = ComparisonRequest.of(options.request().imageSize(imageSize).augment(augment)).margin(margin)
                .metric(metric);
        print(spec.commandLine().getOut(), StrategyComparisonRun.run(request, TrainingOptions.listener(System.err, quiet)));
        return 0;
    }

    static void print(PrintWriter out, ComparisonResult result) {
        List<RunResult> results = result.runs();
        Recommendation rec = result.recommendation();
        List<String> columns = result.metric().columns();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-26s", "run (" + result.scoredSplit() + ")"));
        columns.forEach(c -> header.append(String.format(Locale.ROOT, " %9s", FigureNames.display(c))));
        header.append(String.format(Locale.ROOT, " %9s %12s %12s %7s", "time s", "trainable", "peak MiB", "epochs"));
        out.println();
        out.println(header);
        for (RunResult r : results) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-26s", r.name()));
            columns.forEach(c -> row.append(String.format(Locale.ROOT, " %9.4f", r.scored().value(c))));
            row.append(String.format(Locale.ROOT, " %9.1f %12d %12.0f %7s", r.seconds(), r.trainable(), r.peakMemoryMb(),
                    r.bestEpoch() + "/" + r.epochsRun()));
            out.println(row);
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
