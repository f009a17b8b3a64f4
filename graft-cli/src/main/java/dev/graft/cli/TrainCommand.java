package dev.graft.cli;

import dev.graft.data.TaskKind;
import dev.graft.run.TrainingRequest;
import dev.graft.run.TrainingResult;
import dev.graft.run.TrainingRun;
import dev.graft.selection.FrozenFeatureBaselines;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.ImageTrainingOutcome;
import dev.graft.strategy.RunResult;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft train}: adapt a pretrained model to a labelled data set and save it (core's {@link TrainingRun}). */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = {"graft train --train=PATH [--val=PATH] [--test=PATH] [--model=NAME|PATH]",
                "                   --out=DIR [--epochs=N] [--seed=N] [OPTIONS]"},
        description = {"Adapt a pretrained model to labelled data, evaluate it and save a self-contained model directory.",
                "",
                "Without --val and --test the training file is split (stratified, seeded) 80/10/10 into train,"
                        + " validation and test; with --test only, 10%% of it becomes the validation set."
                        + " Validation (and test) metrics are printed and written to DIR/metrics.json.",
                "DIR/report.html (learning curves, confusion matrix, per-class scores, worst mistakes, provenance) and"
                        + " DIR/plots/*.png are written with the model. The run is recorded in ./mlruns (MLflow's file"
                        + " layout; see `graft runs`) unless --no-track.",
                ""})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Model directory to write. An existing Graft model there is replaced; anything else is refused.")
    Path out;

    @Option(names = "--checkpoint-every", defaultValue = "1", paramLabel = "N", description = "fine-tune: write a checkpoint every N epochs (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "fine-tune: where checkpoints go (default: OUT.checkpoint, removed after a successful run).")
    Path checkpointDir;

    @Option(names = "--resume", paramLabel = "DIR", description = "fine-tune: continue the interrupted run whose checkpoint is in DIR (same arguments as that run).")
    Path resume;

    @Option(names = "--pooling", paramLabel = "P", description = "text: how token vectors become one vector for feature"
            + " extraction: mean, cls, mean-last-K (average of the last K layers), mean-concat-last-K, cls+mean, ... (default:"
            + " the model's own: mean for minilm and e5-small, cls for bge-small). Saved with the model.")
    String pooling;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--augment", defaultValue = "standard", paramLabel = "standard|noflip|none",
            description = "images, fine-tune: train-time augmentation (random resized crop, flip, rotation, colour jitter; default: ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--image-size", paramLabel = "N",
            description = "images: crop size fed to the network instead of the model's (at least 32; e.g. 96 for small images; shorter side resized to N·256/224 first).")
    Integer imageSize;

    @Option(names = "--tta", paramLabel = "none|flip", description = "images, feature extraction: test-time augmentation; each"
            + " image's frozen features (training, validation, test, and at prediction) are averaged with those of its"
            + " horizontal mirror. Saved with the model; doubles the feature time (default: none).")
    String tta;

    @Option(names = "--strict", description = "images: fail on an unreadable image instead of skipping it.")
    boolean strict;

    @Option(names = "--train-bn", description = "images, fine-tune: BatchNorm of trainable layers uses batch statistics and updates its"
            + " running statistics (fastai's train_bn). Default: BatchNorm keeps its pretrained statistics (Keras' advice; its scale and"
            + " shift still train).")
    boolean trainBn;

    @Option(names = "--no-baseline", description = "Skip the negative-transfer check. By default the model is compared, on the"
            + " split it reports (test, else validation), with two cheap baselines trained on the same training split (majority"
            + " class; logistic regression on hashed word 1-2-grams for texts, on the image shrunk to 16x16 RGB pixels for images;"
            + " seconds), and a warning is printed when transfer does not clearly help.")
    boolean noBaseline;

    @Option(names = "--crf", arity = "0..1", fallbackValue = "constrained", paramLabel = "constrained|free|joint|none",
            description = "ner: decode word tags with a linear-chain CRF (Viterbi). 'constrained' (the value of a bare --crf)"
            + " and 'free' fit the CRF after the head has trained, on its outputs; 'constrained' never decodes a move the tag"
            + " scheme forbids, e.g. O then I-X. 'joint' trains a constrained CRF together with the head (and the encoder"
            + " when fine-tuning) on the CRF's likelihood.")
    String crf;

    @Mixin
    TrackingOptionsMixin tracking;

    @Mixin
    QaOptions qa;

    @Mixin
    SegmentationOptions segmentation;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        TaskKind task = options.data.task == null ? TaskKind.CLASSIFICATION : TaskKind.parse(options.data.task);
        boolean sequences = task == TaskKind.TOKEN_CLASSIFICATION || task == TaskKind.QUESTION_ANSWERING;
        if (pooling != null && (sequences || SegmentationCli.requested(options))) {
            throw new IllegalArgumentException("--pooling chooses the sentence vector of classification, multi-label and regression"
                    + " models; question answering, NER and segmentation read every token (or pixel) and do not pool.");
        }
        if (SegmentationCli.requested(options)) {
            options.checkDevice(err);
            return SegmentationCli.train(this); // images/ and masks/: semantic segmentation
        }
        TrainingRequest request = options.request().output(out).checkpointEvery(checkpointEvery).checkpointDir(checkpointDir)
                .resume(resume).augment(augment).imageSize(imageSize).strict(strict).trainBn(trainBn).baselines(!noBaseline)
                .tracking(tracking.tracking()).pooling(pooling).tta(tta).commandLine(spec.commandLine().getParseResult().originalArgs());
        if (sequences) { // tagged sentences (CoNLL, JSON Lines), questions with contexts (SQuAD JSON, JSON Lines)
            request = qa.applyTo(request.task(task).corpusFormat(options.data.format).crf(crf));
        }
        try (TrainingResult result = TrainingRun.run(request, TrainingOptions.listener(err, quiet))) {
            if (sequences) {
                SequenceRunOutput.print(result, out, spec.commandLine().getOut());
            } else {
                print(result, spec.commandLine().getOut());
            }
        }
        return 0;
    }

    /** The run's scores, baselines, timings and where everything went, on standard output. */
    private void print(TrainingResult result, PrintWriter stdout) {
        RunResult outcome = result.outcome();
        boolean images = outcome instanceof ImageTrainingOutcome;
        String examples = images ? " images" : " examples";
        boolean fineTune = !FeatureExtraction.NAME.equals(options.strategy);
        stdout.println();
        stdout.println("Validation (" + result.validationExamples() + examples + ", best epoch " + outcome.fit().bestEpoch() + "):");
        stdout.println(outcome.validation().toTable());
        outcome.test().ifPresent(t -> {
            stdout.println("Test (" + result.testExamples().orElse(0) + examples + "):");
            stdout.println(t.toTable());
        });
        result.transferCheck().ifPresent(b -> {
            b.summary(options.strategy).forEach(stdout::println);
            stdout.println();
        });
        for (FrozenFeatureBaselines.Score b : result.linearBaselines()) {
            stdout.printf(Locale.ROOT, "Baseline %s (%s):%n", b.name(), b.note());
            stdout.print(b.test().orElse(b.validation()).toTable());
            stdout.println();
        }
        if (fineTune) {
            stdout.printf(Locale.ROOT, "Training: %.1f s   total: %.1f s%s%n", outcome.fit().seconds(), result.totalSeconds(),
                    outcome.fit().skippedSteps() > 0
                            ? "   skipped steps (non-finite gradients): " + outcome.fit().skippedSteps() : "");
            if (!images) {
                stdout.println(ParameterLine.of(result.metrics()));
            }
        } else {
            stdout.printf(Locale.ROOT, "%s: %.1f s (%s)   head training: %.1f s   total: %.1f s%n", images ? "Features" : "Embeddings",
                    outcome.embedSeconds(), result.cacheHits() > 0 ? result.cacheHits() + " split(s) from cache" : "computed and cached",
                    outcome.fit().seconds(), result.totalSeconds());
        }
        stdout.println((result.replaced() ? "Replaced the model at " : "Saved the model to ") + out.toAbsolutePath()
                + "  (metrics: " + out.resolve("metrics.json") + ")");
        TrackingOptionsMixin.printWhere(stdout, out, result.trackingRunId(), result.trackingLocation());
        stdout.flush();
    }
}
