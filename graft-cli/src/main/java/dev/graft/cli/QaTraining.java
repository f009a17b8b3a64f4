package dev.graft.cli;

import dev.graft.artifact.ModelDirectory;
import dev.graft.artifact.Provenance;
import dev.graft.data.TaskKind;
import dev.graft.data.qa.SquadDataset;
import dev.graft.data.qa.SquadQuestion;
import dev.graft.data.qa.SquadReader;
import dev.graft.metrics.SquadMetrics;
import dev.graft.model.text.TextModelSpec;
import dev.graft.report.ReportData;
import dev.graft.run.RunRecorder;
import dev.graft.selection.OverlapSentenceBaseline;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.QuestionAnswering;
import dev.graft.tracking.PeakMemory;
import dev.graft.training.Batching;
import dev.graft.training.EpochLog;
import dev.graft.training.TrainingListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * {@code graft train --task qa}: extractive question answering on SQuAD JSON or JSON Lines, by fine-tuning or feature
 * extraction, scored with exact match and F1 next to a word-overlap baseline, saved as a model directory.
 */
final class QaTraining {

    private final TrainCommand c;
    private final QaOptions qa;

    QaTraining(TrainCommand command, QaOptions qa) {
        this.c = command;
        this.qa = qa;
    }

    /** Whether the command asks for question answering ({@code --task qa} or {@code question-answering}). */
    static boolean requested(TrainingOptions options) {
        return options.data.task != null && TaskKind.parse(options.data.task) == TaskKind.QUESTION_ANSWERING;
    }

    int run() throws Exception {
        TrainingOptions o = c.options;
        if (!FeatureExtraction.NAME.equals(o.strategy) && !FineTuning.NAME.equals(o.strategy)) {
            throw new IllegalArgumentException("--task " + o.data.task + " trains with --strategy " + FineTuning.NAME
                    + " or " + FeatureExtraction.NAME + ", not " + o.strategy + ".");
        }
        SquadDataset.Format format = format(o.data.format);
        CheckpointPlan.refuseResume(c.resume);
        ModelDirectory.checkWritable(c.out);
        PrintStream err = System.err;
        SquadDataset train = read(o.train, format, err);
        SquadDataset val;
        if (o.val != null) {
            val = read(o.val, format, err);
        } else {
            List<SquadQuestion> shuffled = shuffled(train.questions(), o.seed);
            int n = Math.max(1, (int) Math.round(shuffled.size() * o.valFraction));
            if (n >= shuffled.size()) {
                throw new IllegalArgumentException(o.train + " has " + shuffled.size() + " question(s), too few to hold out"
                        + " validation questions; give --val.");
            }
            val = with(train, shuffled.subList(0, n));
            train = with(train, shuffled.subList(n, shuffled.size()));
        }
        Optional<SquadDataset> test = o.test == null ? Optional.empty() : Optional.of(read(o.test, format, err));
        if (o.maxTrain != null && o.maxTrain < train.questions().size()) {
            train = with(train, shuffled(train.questions(), o.seed).subList(0, o.maxTrain));
        }
        if (!c.quiet) {
            err.printf(Locale.ROOT, "Questions: train %d, val %d%s (%s)%n", train.questions().size(), val.questions().size(),
                    test.map(t -> ", test " + t.questions().size()).orElse(""), version(train));
        }
        TextModelSpec backbone = o.resolveModel(err, c.quiet);
        long start = System.nanoTime();
        List<TrainingListener> listeners = List.of(new EpochProgress(err, c.quiet));
        QuestionAnswering.Data data = new QuestionAnswering.Data(train, val, test);
        BarProgress progress = new BarProgress(err, c.quiet);
        boolean fineTune = o.fineTune();
        Map<String, Object> settings = new LinkedHashMap<>(fineTune ? o.fineTuneConfig().describe()
                : o.featureExtractionConfig().describe());
        settings.put("max_length", qa.windows().maxLength());
        settings.put("doc_stride", qa.windows().docStride());
        settings.put("max_answer_tokens", qa.windows().maxAnswerTokens());
        settings.put("n_best", qa.windows().nBest());
        try (RunRecorder recorder = RunRecorder.start(c.tracking.tracking(), "train", c.out, c.out, o.runParams(settings),
                err::println);
             QuestionAnswering.Outcome outcome = fineTune
                ? QuestionAnswering.fineTune(backbone, data, qa.windows(), o.fineTuneConfig(), progress,
                        recorder.listeners(listeners.toArray(TrainingListener[]::new)))
                : QuestionAnswering.featureExtraction(backbone, data, qa.windows(), o.featureExtractionConfig(), progress,
                        recorder.listeners(listeners.toArray(TrainingListener[]::new)))) {
            SquadDataset reported = test.orElse(val);
            Map<String, Object> metrics = outcome.metricsDocument();
            List<Map<String, Object>> baselines = new ArrayList<>();
            Map<String, SquadMetrics.Scores> baselineScores = new LinkedHashMap<>();
            for (OverlapSentenceBaseline b : List.of(OverlapSentenceBaseline.sentence(), OverlapSentenceBaseline.trimmed())) {
                SquadMetrics.Scores s = b.score(reported.questions());
                baselineScores.put(b.name(), s);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", b.name());
                m.put("split", test.isPresent() ? "test" : "val");
                m.put("scores", s.toMap());
                baselines.add(m);
            }
            metrics.put("baselines", baselines);
            PeakMemory.measure().putInto(metrics);
            Map<String, Double> baselineMetrics = new LinkedHashMap<>();
            baselineScores.forEach((name, s) -> {
                String key = "baseline_" + name.replace('-', '_') + "_";
                baselineMetrics.put(key + SquadMetrics.Scores.EXACT, s.exact());
                baselineMetrics.put(key + SquadMetrics.Scores.F1, s.f1());
            });
            recorder.logMetrics(baselineMetrics, outcome.fit().history().size());
            Provenance provenance = outcome.provenance().withCommandLine(c.spec.commandLine().getParseResult().originalArgs());
            boolean replaced = outcome.answerer().save(c.out, provenance, metrics, staging -> recorder.writeReport(
                    () -> ReportData.of(recorder.runName(), outcome, baselineScores), provenance, staging));
            double total = (System.nanoTime() - start) / 1e9;
            recorder.finish(outcome, provenance, c.out, total);
            PrintWriter stdout = c.spec.commandLine().getOut();
            stdout.println();
            stdout.println("Validation (" + val.questions().size() + " questions, best epoch " + outcome.fit().bestEpoch() + "):");
            stdout.print(outcome.validation().toTable());
            if (outcome.answerer().task().noAnswer()) {
                stdout.printf(Locale.ROOT, "  no-answer threshold (tuned for F1): %.4f%n", outcome.answerer().task().nullThreshold());
            }
            outcome.test().ifPresent(t -> {
                stdout.println("Test (" + test.get().questions().size() + " questions):");
                stdout.print(t.toTable());
            });
            baselineScores.forEach((name, s) -> {
                stdout.println("Baseline " + name + " (" + (test.isPresent() ? "test" : "validation") + "):");
                stdout.print(s.toTable());
            });
            double epochs = outcome.fit().history().stream().mapToDouble(EpochLog::seconds).average().orElse(Double.NaN);
            stdout.printf(Locale.ROOT, "Windows: %d training   per-token states: %.1f s   training: %.1f s (%.1f s per epoch,"
                            + " %d epochs)   total: %.1f s%n", outcome.windows(), outcome.encodeSeconds(), outcome.fit().seconds(),
                    epochs, outcome.fit().history().size(), total);
            stdout.println((replaced ? "Replaced the model at " : "Saved the model to ") + c.out.toAbsolutePath()
                    + "  (metrics: " + c.out.resolve("metrics.json") + ")");
            TrackingOptionsMixin.printWhere(stdout, c.out, recorder);
            stdout.flush();
        }
        return 0;
    }

    private static String version(SquadDataset d) {
        long none = d.questions().stream().filter(q -> q.answers().isEmpty()).count();
        return none == 0 ? "every question has an answer, as in SQuAD v1.1"
                : none + " without an answer, as in SQuAD v2.0: the model learns to answer nothing";
    }

    /** {@code --format}: squad, jsonl, or from the file ({@code null}). */
    static SquadDataset.Format format(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "squad", "json" -> SquadDataset.Format.SQUAD_JSON;
            case "jsonl" -> SquadDataset.Format.JSONL;
            default -> throw new IllegalArgumentException("--format " + value + " is not a question-answering format; use"
                    + " squad (SQuAD v1.1/v2.0 JSON) or jsonl ({\"question\": ..., \"context\": ..., \"answers\": ...} per line).");
        };
    }

    /** Reads a question file, checking that it is written as {@code format} says ({@code null}: either); notes skips. */
    static SquadDataset read(Path file, SquadDataset.Format format, PrintStream err) {
        SquadDataset d = SquadReader.read(file);
        if (format != null && d.format() != format) {
            throw new IllegalArgumentException(file + " reads as " + (d.format() == SquadDataset.Format.JSONL ? "jsonl" : "squad")
                    + " but --format " + (format == SquadDataset.Format.JSONL ? "jsonl" : "squad") + " was given. Name the"
                    + " file's format, or drop --format to take it from the file.");
        }
        if (!d.skipped().isEmpty()) {
            err.println("note: " + file + ": left out " + d.skipped().size() + " answer(s) or question(s), e.g. "
                    + d.skipped().get(0));
        }
        return d;
    }

    private static SquadDataset with(SquadDataset d, List<SquadQuestion> questions) {
        return new SquadDataset(d.path(), d.sha256(), d.format(), questions, d.skipped());
    }

    /** The questions in a seeded random order. */
    private static List<SquadQuestion> shuffled(List<SquadQuestion> questions, long seed) {
        int[] order = Batching.shuffled(questions.size(), new Random(seed));
        List<SquadQuestion> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(questions.get(i));
        }
        return out;
    }
}
