package dev.graft.cli;

import dev.graft.tracking.FileStoreReader;
import dev.graft.tracking.MetricPoint;
import dev.graft.tracking.StoredRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code graft runs}: browse the runs recorded by {@code graft train}, {@code adapt} and {@code tune} in an MLflow file store. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = {"Browse the runs recorded by graft train, adapt and tune (an MLflow file store, ./mlruns by default): list, show, compare.",
                "The same store opens in MLflow's UI: mlflow ui --backend-store-uri ./mlruns"},
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.ShowRun.class, RunsCommand.CompareRuns.class})
final class RunsCommand implements Callable<Integer> {

    /** Summary metrics shown by list and first by compare. */
    static final List<String> KEY_METRICS = List.of("best_val_accuracy", "best_val_macro_f1", "test_accuracy", "test_macro_f1");
    static final List<String> KEY_HEADERS = List.of("VAL ACC", "VAL F1", "TEST ACC", "TEST F1");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The store option shared by the subcommands. */
    static final class StoreOption {
        @Option(names = "--tracking-dir", defaultValue = TrackingOptionsMixin.DEFAULT_DIR, paramLabel = "DIR",
                description = "The MLflow file store to read (default: ${DEFAULT-VALUE}; set GRAFT_TRACKING_DIR to change it).")
        Path trackingDir;

        FileStoreReader reader() {
            if (!Files.isDirectory(trackingDir)) {
                throw new IllegalArgumentException("No run store at " + trackingDir.toAbsolutePath() + ": run graft train, adapt or tune"
                        + " first (runs are recorded in ./mlruns) or pass --tracking-dir DIR.");
            }
            return new FileStoreReader(trackingDir);
        }
    }

    /** {@code graft runs list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List runs, newest first: id, name, experiment, status, start time, duration and key metrics.", ""})
    static final class ListRuns implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOption store;

        @Option(names = "--experiment", paramLabel = "NAME", description = "Only this experiment's runs.")
        String experiment;

        @Option(names = {"-n", "--limit"}, defaultValue = "50", paramLabel = "N", description = "Show at most N runs (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<StoredRun> runs = store.reader().runs(experiment);
            if (runs.isEmpty()) {
                out.println("No runs in " + store.trackingDir.toAbsolutePath() + (experiment == null ? "" : " for experiment '" + experiment + "'") + ".");
                return 0;
            }
            List<String> header = new ArrayList<>(List.of("RUN ID", "NAME", "EXPERIMENT", "STATUS", "START", "DURATION"));
            header.addAll(KEY_HEADERS);
            List<List<String>> rows = new ArrayList<>();
            for (StoredRun r : runs.subList(0, Math.min(limit, runs.size()))) {
                List<String> row = new ArrayList<>(List.of(r.runId(), r.runName(), r.experimentName(), r.status().name(),
                        time(r.startTime()), duration(r.durationSeconds())));
                for (String m : KEY_METRICS) {
                    row.add(metric(m, r.latest(m)));
                }
                rows.add(row);
            }
            out.print(table(header, rows));
            if (runs.size() > limit) {
                out.println("(" + (runs.size() - limit) + " older run(s) not shown; use --limit)");
            }
            out.flush();
            return 0;
        }
    }

    /** {@code graft runs show RUN_ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show one run: its params, final metrics, per-epoch metrics and tags.", ""})
    static final class ShowRun implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOption store;

        @Parameters(paramLabel = "RUN_ID", description = "The run id, or a unique prefix of it.")
        String runId;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            StoredRun r = store.reader().run(runId);
            out.println("Run " + r.runId() + "  " + r.runName());
            out.println("  experiment   " + r.experimentName() + " (" + r.experimentId() + ")");
            out.println("  status       " + r.status());
            out.println("  started      " + time(r.startTime()));
            out.println("  ended        " + r.endTime().map(RunsCommand::time).orElse("-") + "  (" + duration(r.durationSeconds()) + ")");
            out.println("  user         " + r.userId());
            out.println("  artifacts    " + r.artifactUri());
            out.println();
            out.println("Params:");
            r.params().forEach((k, v) -> out.println("  " + k + " = " + v));
            out.println();
            out.println("Metrics (latest value):");
            r.metrics().keySet().forEach(k -> out.println("  " + k + " = " + metric(k, r.latest(k))
                    + (r.metrics().get(k).size() > 1 ? "  (" + r.metrics().get(k).size() + " values)" : "")));
            epochs(out, r);
            out.println();
            out.println("Tags:");
            r.tags().forEach((k, v) -> out.println("  " + k + " = " + v.replace("\n", "\\n")));
            out.flush();
            return 0;
        }

        private static void epochs(PrintWriter out, StoredRun r) {
            List<String> keys = List.of("train_loss", "val_loss", "val_accuracy", "val_macro_f1", "lr");
            Map<Long, Map<String, Double>> byStep = new TreeMap<>();
            for (String k : keys) {
                for (MetricPoint p : r.metrics().getOrDefault(k, List.of())) {
                    byStep.computeIfAbsent(p.step(), s -> new TreeMap<>()).put(k, p.value());
                }
            }
            if (byStep.isEmpty()) {
                return;
            }
            out.println();
            out.println("Per epoch:");
            List<String> header = new ArrayList<>(List.of("EPOCH"));
            keys.forEach(k -> header.add(k.toUpperCase(Locale.ROOT)));
            List<List<String>> rows = new ArrayList<>();
            byStep.forEach((step, values) -> {
                List<String> row = new ArrayList<>(List.of(Long.toString(step)));
                for (String k : keys) {
                    Double v = values.get(k);
                    row.add(v == null ? "-" : k.equals("lr") ? String.format(Locale.ROOT, "%.3g", v) : String.format(Locale.ROOT, "%.4f", v));
                }
                rows.add(row);
            });
            out.print(indent(table(header, rows)));
        }
    }

    /** {@code graft runs compare RUN_ID RUN_ID...}. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = {"Compare runs side by side: params (rows that differ are marked *) and final metrics.", ""})
    static final class CompareRuns implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        StoreOption store;

        @Parameters(arity = "2..*", paramLabel = "RUN_ID", description = "Two or more run ids (or unique prefixes).")
        List<String> runIds;

        @Option(names = "--diff", description = "Show only the params that differ.")
        boolean diffOnly;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            FileStoreReader reader = store.reader();
            List<StoredRun> runs = runIds.stream().map(reader::run).toList();
            List<String> header = new ArrayList<>(List.of(""));
            runs.forEach(r -> header.add(r.runId().substring(0, Math.min(8, r.runId().length())) + " " + r.runName()));

            List<List<String>> rows = new ArrayList<>();
            rows.add(row("status", runs, r -> r.status().name()));
            rows.add(row("start", runs, r -> time(r.startTime())));
            rows.add(row("duration", runs, r -> duration(r.durationSeconds())));
            out.print(table(header, rows));

            out.println();
            out.println("Params:");
            TreeSet<String> params = new TreeSet<>();
            runs.forEach(r -> params.addAll(r.params().keySet()));
            List<List<String>> prow = new ArrayList<>();
            for (String k : params) {
                List<String> values = runs.stream().map(r -> r.params().getOrDefault(k, "-")).toList();
                boolean differs = values.stream().distinct().count() > 1;
                if (diffOnly && !differs) {
                    continue;
                }
                List<String> row = new ArrayList<>(List.of((differs ? "* " : "  ") + k));
                row.addAll(values);
                prow.add(row);
            }
            out.print(prow.isEmpty() ? "  (no params differ)\n" : indent(table(header, prow)));

            out.println();
            out.println("Metrics (latest value):");
            List<String> metrics = new ArrayList<>();
            KEY_METRICS.forEach(m -> {
                if (runs.stream().anyMatch(r -> r.metrics().containsKey(m))) {
                    metrics.add(m);
                }
            });
            TreeSet<String> rest = new TreeSet<>();
            runs.forEach(r -> rest.addAll(r.metrics().keySet()));
            rest.removeAll(metrics);
            metrics.addAll(rest);
            List<List<String>> mrow = new ArrayList<>();
            for (String m : metrics) {
                mrow.add(row("  " + m, runs, r -> metric(m, r.latest(m))));
            }
            out.print(indent(table(header, mrow)));
            out.flush();
            return 0;
        }

        private static List<String> row(String name, List<StoredRun> runs, java.util.function.Function<StoredRun, String> f) {
            List<String> row = new ArrayList<>(List.of(name));
            runs.forEach(r -> row.add(f.apply(r)));
            return row;
        }
    }

    static String time(long millis) {
        return TIME.format(Instant.ofEpochMilli(millis));
    }

    static String duration(OptionalDouble seconds) {
        if (seconds.isEmpty()) {
            return "-";
        }
        double s = seconds.getAsDouble();
        return s < 120 ? String.format(Locale.ROOT, "%.1f s", s) : String.format(Locale.ROOT, "%.1f min", s / 60);
    }

    static String metric(String key, OptionalDouble v) {
        if (v.isEmpty()) {
            return "-";
        }
        double x = v.getAsDouble();
        boolean count = key.contains("epoch") && !key.contains("seconds") || key.startsWith("trials_") || key.equals("best_trial")
                || key.endsWith("_examples");
        if (x == Math.rint(x) && Math.abs(x) < 1e9 && (count || Math.abs(x) >= 2)) {
            return Long.toString((long) x);
        }
        return Math.abs(x) >= 1e-3 || x == 0 ? String.format(Locale.ROOT, "%.4f", x) : String.format(Locale.ROOT, "%.3g", x);
    }

    /** Left-aligned columns separated by two spaces. */
    static String table(List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        rows.forEach(r -> line(sb, r, w));
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            l.append(i == 0 ? "" : "  ").append(cells.get(i)).append(" ".repeat(w[i] - cells.get(i).length()));
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    private static String indent(String s) {
        return s.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    }
}
