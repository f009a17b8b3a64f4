package dev.graft.cli;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.TaskKind;
import dev.graft.data.tokens.TagRepair;
import dev.graft.data.tokens.TaggedCorpus;
import dev.graft.data.tokens.TaggedCorpusReader;
import dev.graft.metrics.EntityMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.report.ReportData;
import dev.graft.run.RunRecorder;
import dev.graft.selection.MostFrequentTag;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.TokenClassification;
import dev.graft.tracking.PeakMemory;
import dev.graft.training.EpochLog;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code graft train --task ner} (or {@code token-classification}): named-entity recognition on tagged sentences (CoNLL
 * columns or JSON Lines), by feature extraction, fine-tuning, LoRA or adapters (checkpointed, resumable, tracked), scored with entity precision/recall/F1 next to the
 * most-frequent-tag baseline, saved as a model directory.
 */
final class TokenTraining {

    private final TrainCommand c;

    TokenTraining(TrainCommand command) {
        this.c = command;
    }

    /** Whether the command asks for token classification ({@code --task ner} or {@code token-classification}). */
    static boolean requested(TrainingOptions options) {
        return options.data.task != null && TaskKind.parse(options.data.task) == TaskKind.TOKEN_CLASSIFICATION;
    }

    int run() throws Exception {
        TrainingOptions o = c.options;
        boolean fineTune = o.fineTune(); // fine-tune, lora or adapter; refuses unknown strategies
        TaggedCorpus.Format format = format(o.data.format);
        if (!fineTune) {
            CheckpointPlan.refuseResume(c.resume);
        }
        ModelDirectory.checkWritable(c.out);
        dev.graft.run.CheckpointPlan checkpoints = dev.graft.run.CheckpointPlan.of(c.out, c.checkpointDir, c.resume,
                c.checkpointEvery);
        if (fineTune) {
            checkpoints.checkStart();
        }
        PrintStream err = System.err;
        Optional<TaggedCorpus> test = o.test == null ? Optional.empty() : Optional.of(read(o.test, format));
        TokenClassification.Corpora corpora = TokenClassification.Corpora.of(read(o.train, format),
                o.val == null ? null : read(o.val, format), test, o.valFraction, o.maxTrain, o.seed);
        TaggedCorpus train = corpora.train();
        TaggedCorpus val = corpora.val();
        if (!c.quiet) {
            err.printf(Locale.ROOT, "Sentences: train %d, val %d%s; entities in train %s; scheme %s%n", train.sentences().size(),
                    val.sentences().size(), test.map(t -> ", test " + t.sentences().size()).orElse(""), train.entityCounts(),
                    train.scheme());
        }
        TextModelSpec backbone = o.resolveModel(err, c.quiet);
        long start = System.nanoTime();
        if (fineTune) {
            checkpoints.announce(TrainingOptions.listener(err, c.quiet));
        }
        FineTuning fineTuning = fineTune ? o.fineTuning() : null;
        TokenClassification.Crf crf = c.crf == null ? TokenClassification.Crf.NONE : TokenClassification.Crf.parse(c.crf);
        Map<String, Object> settings = fineTune ? fineTuning.describe() : o.featureExtractionConfig().describe();
        try (RunRecorder recorder = RunRecorder.start(c.tracking.tracking(), "train", c.out, c.out, o.runParams(settings),
                err::println);
             TokenClassification.Outcome outcome = fineTune
                     ? TokenClassification.fineTune(backbone, corpora, fineTuning, new BarProgress(err, c.quiet),
                             recorder.listeners(new EpochProgress(err, c.quiet)), new TokenClassification.Checkpoints(
                                     checkpoints.directory(), checkpoints.everyEpochs(), checkpoints.resume()), crf)
                     : TokenClassification.featureExtraction(backbone, corpora, o.featureExtractionConfig(),
                             new BarProgress(err, c.quiet), recorder.listeners(new EpochProgress(err, c.quiet)), crf)) {
            for (Map.Entry<String, TagRepair.Result> r : outcome.repairs().entrySet()) {
                if (!r.getValue().changes().isEmpty() && !c.quiet) {
                    err.println("note: " + r.getKey() + ": " + r.getValue().summary());
                }
            }
            TaggedCorpus reported = test.orElse(val);
            MostFrequentTag baseline = MostFrequentTag.fit(train.sentences(), train.scheme());
            EntityMetrics.Scores baselineScores = baseline.score(reported.sentences());
            Map<String, Object> metrics = outcome.metricsDocument();
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", "most-frequent-tag");
            b.put("split", test.isPresent() ? "test" : "val");
            b.put("scores", baselineScores.toMap());
            metrics.put("baselines", List.of(b));
            PeakMemory.measure().putInto(metrics);
            recorder.logMetrics(Map.of("baseline_most_frequent_tag_micro_f1", baselineScores.f1()),
                    outcome.fit().history().size());
            Provenance provenance = outcome.provenance().withCommandLine(c.spec.commandLine().getParseResult().originalArgs());
            boolean replaced = outcome.classifier().save(c.out, provenance, metrics, staging -> recorder.writeReport(
                    () -> ReportData.of(recorder.runName(), outcome), provenance, staging));
            if (fineTune) {
                checkpoints.finished();
            }
            double total = (System.nanoTime() - start) / 1e9;
            recorder.finish(outcome, provenance, c.out, total);
            PrintWriter stdout = c.spec.commandLine().getOut();
            stdout.println();
            stdout.println("Validation (" + val.sentences().size() + " sentences, best epoch " + outcome.fit().bestEpoch() + "):");
            stdout.print(outcome.validation().toTable());
            outcome.test().ifPresent(t -> {
                stdout.println("Test (" + test.get().sentences().size() + " sentences):");
                stdout.print(t.toTable());
            });
            stdout.println("Baseline most-frequent-tag (" + (test.isPresent() ? "test" : "validation") + "):");
            stdout.print(baselineScores.toTable());
            double epochs = outcome.fit().history().stream().mapToDouble(EpochLog::seconds).average().orElse(Double.NaN);
            stdout.printf(Locale.ROOT, "Per-token states: %.1f s%s   training: %.1f s (%.1f s per epoch, %d epochs)   total: %.1f s%n",
                    outcome.encodeSeconds(), fineTune ? "" : outcome.cachedSplits() > 0 ? " (" + outcome.cachedSplits()
                            + " split(s) from cache)" : " (computed and cached)", outcome.fit().seconds(), epochs,
                    outcome.fit().history().size(), total);
            stdout.println((replaced ? "Replaced the model at " : "Saved the model to ") + c.out.toAbsolutePath()
                    + "  (metrics: " + c.out.resolve("metrics.json") + ")");
            TrackingOptionsMixin.printWhere(stdout, c.out, recorder);
            stdout.flush();
        }
        return 0;
    }

    /** {@code --format}: conll, jsonl, or from the file ({@code null}). */
    static TaggedCorpus.Format format(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "conll" -> TaggedCorpus.Format.CONLL;
            case "jsonl", "json" -> TaggedCorpus.Format.JSONL;
            default -> throw new IllegalArgumentException("--format " + value + " is not a format of tagged sentences; use conll"
                    + " (one token per line, the tag last) or jsonl ({\"tokens\": [...], \"tags\": [...]} per line).");
        };
    }

    /** Reads a tagged file, checking that it is written as {@code format} says ({@code null}: either). */
    static TaggedCorpus read(Path file, TaggedCorpus.Format format) {
        TaggedCorpus corpus = TaggedCorpusReader.read(file);
        if (format != null && corpus.format() != format) {
            throw new IllegalArgumentException(file + " reads as " + corpus.format().name().toLowerCase(Locale.ROOT)
                    + " but --format " + format.name().toLowerCase(Locale.ROOT) + " was given. Name the file's format, or drop"
                    + " --format to take it from the file.");
        }
        return corpus;
    }
}
