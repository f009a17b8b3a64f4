package dev.graft.cli;

import dev.graft.run.PretrainingRequest;
import dev.graft.run.PretrainingResult;
import dev.graft.run.PretrainingRun;
import dev.graft.strategy.PretrainConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code graft pretrain}: continued masked-language-model pre-training of a text encoder on unlabelled texts. Parses the
 * options into core's {@link PretrainingRequest}, runs {@link PretrainingRun} once and prints its result.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue pre-training a BERT-style text encoder with the masked-language-model objective on your own"
                + " texts (domain-adaptive pre-training), then save it as a model directory that `graft train --model DIR`"
                + " fine-tunes. Masking is BERT's: --mask-prob of the non-special tokens become targets; of those 80%% are"
                + " replaced by [MASK], 10%% by a random token, 10%% kept; the loss counts the targets only. The MLM head"
                + " (dense + GELU + LayerNorm, decoder tied to the word embeddings, output bias) starts random: exported"
                + " encoders such as the bundled MiniLM carry no MLM head weights. Texts are read from labelled CSV/TSV/JSONL"
                + " files; their labels are ignored. The same seed gives the same model.", ""})
final class PretrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--text", required = true, paramLabel = "FILE",
            description = "A file of texts (CSV, TSV or JSON Lines with a text and a label column; the labels are ignored). Repeat for several files.")
    List<Path> textFiles;

    @Option(names = "--exclude", paramLabel = "FILE",
            description = "Drop every text that also occurs in FILE (e.g. your evaluation split), so pre-training never sees it. Repeatable.")
    List<Path> excludeFiles = new ArrayList<>();

    @Mixin
    DataOptionsMixin data;

    @Option(names = "--model", defaultValue = "minilm", paramLabel = "NAME|DIR|hf:ORG/NAME",
            description = "Encoder to continue from: a bundled name, a model directory or a Hugging Face Hub model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where to write the adapted encoder (a previous `graft pretrain` output there is replaced; any other non-empty directory is refused).")
    Path out;

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "N", description = "Passes over the texts (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--mask-prob", defaultValue = "0.15", paramLabel = "P",
            description = "Share of non-special tokens chosen as prediction targets (default: ${DEFAULT-VALUE}).")
    double maskProb;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Seeds the held-out split, batch order, masking, dropout and head initialisation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N", description = "Texts per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "5e-5", paramLabel = "RATE",
            description = "Peak AdamW learning rate of the encoder (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--head-lr", defaultValue = "1e-3", paramLabel = "RATE",
            description = "Peak AdamW learning rate of the MLM head's transform, which starts random for MiniLM-style models (default: ${DEFAULT-VALUE}).")
    double headLr;

    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "W",
            description = "Decoupled weight decay; never on biases and norms (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--warmup", defaultValue = "0.06", paramLabel = "FRACTION",
            description = "Linear warm-up over this fraction of the steps, then linear decay to zero (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "N",
            description = "Clip gradients to this global norm; 0 = off (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--dropout", defaultValue = "0.1", paramLabel = "P", description = "Encoder dropout while training (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--max-length", defaultValue = "128", paramLabel = "TOKENS",
            description = "Truncate texts to this many tokens, special tokens included; at most the model's maximum (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--val-fraction", defaultValue = "0.05", paramLabel = "F",
            description = "Share of the texts held out to measure the masked-token loss after each epoch; the best epoch is kept (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--max-texts", paramLabel = "N", description = "Use a seeded random sample of at most N texts (for a quick run).")
    Integer maxTexts;

    @Option(names = "--checkpoint-every", defaultValue = "1", paramLabel = "N", description = "Write a checkpoint every N epochs (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Where checkpoints go (default: OUT.checkpoint, removed after a successful run).")
    Path checkpointDir;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the interrupted run whose checkpoint is in DIR (same arguments as that run).")
    Path resume;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        UnusedOptions.refuse(spec, "pre-training reads single texts (--text-column).", UnusedOptions.TEXT_PAIRS);
        PretrainConfig config = new PretrainConfig(maskProb, epochs, batchSize, lr, headLr, weightDecay, warmup, maxGradNorm, dropout,
                valFraction, maxLength, seed);
        PretrainingRequest request = PretrainingRequest.of(textFiles, out).excludeFiles(excludeFiles).data(data.toOptions())
                .model(model).config(config).maxTexts(maxTexts).checkpointEvery(checkpointEvery).checkpointDir(checkpointDir)
                .resume(resume);
        PretrainingResult r = PretrainingRun.run(request,
                TrainingOptions.listener(System.err, quiet, EpochProgress.maskedLm(System.err, quiet)));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "Pre-trained %s on %d texts (%d tokens; %d held out), best epoch %d: held-out masked-token"
                        + " loss %.4f, accuracy %.4f%n", r.base().id(), r.trainTexts(), r.trainTokens(), r.valTexts(),
                r.fit().bestEpoch(), r.bestValLoss(), r.bestValAccuracy());
        stdout.printf(Locale.ROOT, "Training: %.1f s   total: %.1f s%n", r.fit().seconds(), r.seconds());
        stdout.println("Saved " + r.saved().id() + " to " + out.toAbsolutePath());
        stdout.println("Fine-tune it with: graft train --train DATA --model " + out + " --strategy fine-tune");
        stdout.flush();
        return 0;
    }
}
