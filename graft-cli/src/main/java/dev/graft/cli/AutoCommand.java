package dev.graft.cli;

import dev.graft.run.auto.AutoListener;
import dev.graft.run.auto.AutoRequest;
import dev.graft.run.auto.AutoResult;
import dev.graft.run.auto.AutoRun;
import dev.graft.run.auto.Candidate;
import dev.graft.util.Progress;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code graft auto}: the best model inside a time limit. */
@Command(name = "auto", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the best model for your data inside a time limit, by a fixed plan:",
                "1. rank the candidate backbones by LogME on a sample of " + AutoRun.RANK_SAMPLE + " training examples, within"
                        + " a quarter of the limit (skipped when that affords fewer than two);",
                "2. feature extraction (a head solved in closed form) with the best-ranked backbones, then the unranked"
                        + " cheapest first, at most " + AutoRun.FEATURE_BACKBONES + ";",
                "3. fine-tuning of the best of them: trials of " + AutoRun.TRIAL_EPOCHS + " epochs, the defaults first, then"
                        + " TPE with median pruning, as many as fit; none when feature extraction leaves less room than"
                        + " fine-tuning would need to win; with two or more finished trials, their greedy weight soup (kept"
                        + " only when it beats the best trial on validation);",
                "4. the winner by graft compare's rule on the task's validation figure (accuracy, multi-label macro-F1,"
                        + " regression RMSE: fine-tuning must beat feature extraction by max(2 points, 2 standard errors),"
                        + " doubled margin below 1,000 examples), saved to OUT/model with"
                        + " OUT/auto-report.html listing every candidate.",
                "Each candidate gets an estimated cost (tokens or pixels times fixed rates, times the speed factor a probe of "
                        + AutoRun.PROBE_EXAMPLES + " examples measures at the start, rounded to a power of sqrt 2) before it starts"
                        + " and is left out when it does not fit: the same data, limit, seed and factor give the same candidates and"
                        + " winner. When feature extraction on all the data does not fit, the first model is trained on a seeded,"
                        + " stratified subsample that does. A"
                        + " candidate the clock says cannot finish is not started, one running at the limit is stopped."
                        + " Rerun the same command to continue an interrupted run (OUT/auto-journal.json).",
                "The options of graft train that say how to train (--model, --strategy, --epochs, --lr, ...) are refused: auto sets them per candidate.",
                "Text classification, multi-label (--task multi-label) and regression (--task regression), or image"
                        + " classification; the data options are graft train's.", ""})
final class AutoCommand implements Callable<Integer> {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(s|m|h)?");

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingOptions options;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (new or empty, or an earlier auto run's to continue it): the winner in DIR/model.")
    Path out;

    @Option(names = "--time-limit", required = true, paramLabel = "DURATION", description = "Wall-time budget: 300s, 5m, 15m, 1h.")
    String timeLimit;

    @Option(names = "--candidates", split = ",", paramLabel = "NAME",
            description = "Backbones to consider (default: text minilm plus bge-small and e5-small when available offline;"
                    + " images: every imported model).")
    List<String> candidates;

    @Option(names = "--max-trials", defaultValue = "" + AutoRequest.DEFAULT_MAX_TRIALS, paramLabel = "N",
            description = "Fine-tuning trials at most (default: ${DEFAULT-VALUE}; 0: no fine-tuning).")
    int maxTrials;

    @Option(names = "--speed-factor", paramLabel = "X",
            description = "Plan with this speed factor (from an earlier run's report) instead of probing this machine's speed.")
    Double speedFactor;

    @Option(names = "--image-size", paramLabel = "N", description = "images: crop size fed to the network instead of the model's.")
    Integer imageSize;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        UnusedOptions.refuse(spec, "auto chooses backbones, strategies and their settings itself; give the data options,"
                        + " --seed, --time-limit and --candidates, or train one setting with graft train.",
                UnusedOptions.concat(UnusedOptions.FINE_TUNING, "--model", "--strategy", "--epochs", "--lr", "--batch-size",
                        "--patience", "--monitor", "--head-solver", "--class-weights", "--hidden", "--dropout", "--optimizer",
                        "--momentum", "--schedule", "--warmup", "--max-grad-norm", "--weight-decay", "--device",
                        "--decision-threshold", "--huber-delta", "--target-name"));
        PrintStream err = System.err;
        AutoRequest request = AutoRequest.of(options::request, out, parse(timeLimit)).candidates(candidates).maxTrials(maxTrials)
                .imageSize(imageSize).speedFactor(speedFactor).commandLine(List.of(spec.commandLine().getParseResult().originalArgs().toArray(String[]::new)));
        AutoResult r = AutoRun.run(request, listener(err, quiet));
        print(spec.commandLine().getOut(), r);
        return 0;
    }

    /** {@code 300}, {@code 300s}, {@code 5m}, {@code 1h}. */
    static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--time-limit takes a duration such as 300s, 5m or 1h, got '" + text + "'.");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double seconds = v * switch (unit) {
            case "h" -> 3600;
            case "m" -> 60;
            default -> 1;
        };
        if (seconds < 1) {
            throw new IllegalArgumentException("--time-limit must be at least 1 second, got '" + text + "'.");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    private static AutoListener listener(PrintStream err, boolean quiet) {
        return new AutoListener() {
            @Override
            public Progress progress() {
                return new BarProgress(err, quiet);
            }

            @Override
            public void message(String line) {
                err.println(line);
            }

            @Override
            public void summary(String line) {
                if (!quiet) {
                    err.println(line);
                }
            }

            @Override
            public void stage(String line) {
                if (!quiet) {
                    err.println("== " + line);
                }
            }

            @Override
            public void candidate(Candidate c, boolean fromJournal) {
                if (!quiet) {
                    err.println("  " + line(c) + (fromJournal ? "  (from the journal)" : ""));
                }
            }
        };
    }

    private static String line(Candidate c) {
        return String.format(Locale.ROOT, "%-26s %-11s est %5.0f s  took %6.1f s  %s%s", c.id(), c.status().name().toLowerCase(Locale.ROOT),
                c.estimatedSeconds(), c.seconds(), c.score() == null ? "" : String.format(Locale.ROOT, "score %.4f", c.score()),
                c.note() == null ? "" : "  " + c.note());
    }

    static void print(PrintWriter out, AutoResult r) {
        out.println();
        for (Candidate c : r.candidates()) {
            out.println(line(c));
        }
        out.println();
        r.reasons().forEach(s -> out.println("- " + s));
        String m = r.metric().name();
        out.printf(Locale.ROOT, "Winner: %s, validation %s %.4f%s; %.1f s used.%n", r.winner().id(), m, r.winner().score(),
                r.winner().testAccuracy() == null ? "" : String.format(Locale.ROOT, ", test %s %.4f", m, r.winner().testAccuracy()),
                r.seconds());
        out.println("Planned at " + r.calibration().describe() + ".");
        out.println("Saved the model to " + r.model() + "  Report: " + r.report());
        out.flush();
    }
}
