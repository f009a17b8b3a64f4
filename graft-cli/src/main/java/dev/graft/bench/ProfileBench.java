package dev.graft.bench;

import dev.graft.data.DatasetSplits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.Precision;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.torch.OpProfile;
import dev.graft.model.torch.OpTable;
import dev.graft.strategy.FineTuning;
import dev.graft.tensor.io.DirectoryKind;
import dev.graft.tensor.io.OwnedDirectory;
import dev.graft.training.EpochLog;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The profile section of {@code graft bench}: libtorch's per-op profile ({@link OpProfile}) of the
 * MiniLM fine-tune step at batch 16, in fp32 and in bf16, on the support tickets and (with
 * {@code ../shared}) book reviews. One model trains four epochs: fp32 warm-up, fp32 profiled, bf16
 * warm-up, bf16 profiled. It prints the top ops, puts each table into {@code bench-results.json}
 * ({@code details.profile}) and keeps the Chrome traces (open them in {@code chrome://tracing} or
 * Perfetto).
 */
public final class ProfileBench {

    /** The folder of traces {@code graft bench} keeps next to its results. */
    public static final DirectoryKind TRACES = new DirectoryKind("bench-traces", "graft bench profile traces", "README.txt",
            Set.of("README.txt"), "libtorch traces of graft bench");

    private static final String WORK_FOLDER = "traces";
    private static final int TOP = 20;
    private static final int TOP_IN_JSON = 40;

    private final BenchSettings s;
    private final BenchReport report;
    private final PrintStream log;
    private final TextModelSpec spec;

    ProfileBench(BenchSettings s, BenchReport report, PrintStream log, TextModelSpec spec) {
        this.s = s;
        this.report = report;
        this.log = log;
        this.spec = spec;
    }

    void run(List<TextExample> tickets) {
        profile(tickets, "tickets");
        Path books = s.sharedDir() == null ? null : s.sharedDir().resolve(Bf16Bench.BOOKS);
        if (books != null && Files.isRegularFile(books)) {
            profile(TextDataReader.read(books).examples(), "books");
        } else {
            report.notAvailable("profile.books", "needs ../shared/" + Bf16Bench.BOOKS + " (pass --shared DIR)");
        }
    }

    /**
     * Moves the traces of this run's profile section from {@code workDir} into the Graft-owned folder {@code target}
     * (replacing an earlier one; files a user added there stay). Nothing happens when the section did not run.
     */
    public static void keepTraces(Path workDir, Path target) throws IOException {
        Path from = workDir.resolve(WORK_FOLDER);
        if (!Files.isDirectory(from)) {
            return;
        }
        OwnedDirectory.write(target, TRACES, dir -> {
            Files.writeString(dir.resolve("README.txt"), "libtorch traces of graft bench (Chrome trace JSON): "
                    + "open them in chrome://tracing or https://ui.perfetto.dev\n");
            try (var files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        });
    }

    private void profile(List<TextExample> examples, String texts) {
        int steps = s.ftSteps();
        List<TextExample> pool = new ArrayList<>(examples);
        Collections.shuffle(pool, new Random(Benchmarks.SEED));
        int n = Math.min(pool.size() - BenchSettings.FT_BATCH, steps * BenchSettings.FT_BATCH);
        DatasetSplits splits = new DatasetSplits(TextDataset.of("bench-train", pool.subList(0, n)),
                TextDataset.of("bench-val", pool.subList(n, n + BenchSettings.FT_BATCH)), Optional.empty());
        Path traces;
        try {
            traces = Files.createDirectories(s.workDir().resolve(WORK_FOLDER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Recorder recorder = new Recorder(traces, texts);
        FineTuning ft = new FineTuning(Benchmarks.fineTuneConfig(4, FreezeSchedule.all()));
        try (FineTuning.Prepared p = ft.prepare(spec, splits, List.of(recorder))) {
            recorder.precisionSwitch = () -> p.model().encoder().setPrecision(Precision.BF16);
            p.model().encoder().setPrecision(Precision.FP32);
            p.learner().fit(p.train(), p.val());
        } finally {
            recorder.close();
        }
        recorder.tables.forEach((precision, table) -> {
            String key = texts + "." + precision;
            log.printf("[bench] per-op profile, fine-tune step, %s, %s:%n%s", texts, precision, table.format(TOP));
            report.detail("profile", key, json(table, traces.resolve(key + ".json").getFileName().toString()));
        });
    }

    private static Map<String, Object> json(OpTable t, String trace) {
        int per = Math.max(1, t.steps());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trace", trace);
        m.put("steps", t.steps());
        m.put("step_ms", t.stepMs() / per);
        m.put("op_self_ms", t.opMs() / per);
        Map<String, Double> phases = new LinkedHashMap<>();
        OpTable.PHASES.forEach(ph -> phases.put(ph, t.phaseMs().get(ph) / per));
        m.put("phase_ms", phases);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (OpTable.Row r : t.rows().subList(0, Math.min(TOP_IN_JSON, t.rows().size()))) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("op", r.name());
            row.put("ms_per_step", r.selfMs() / per);
            row.put("share_of_step", t.stepMs() > 0 ? r.selfMs() / t.stepMs() : 0);
            row.put("calls_per_step", (double) r.calls() / per);
            OpTable.PHASES.forEach(ph -> row.put(ph + "_ms", r.phaseMs().get(ph) / per));
            rows.add(row);
        }
        m.put("ops", rows);
        m.put("units", "milliseconds per step; self time (an op's time less the ops it called)");
        return m;
    }

    /** Profiles epoch 2 (fp32) and epoch 4 (bf16), marking each step; switches to bf16 after epoch 2. */
    private static final class Recorder implements TrainingListener, AutoCloseable {
        final Map<String, OpTable> tables = new LinkedHashMap<>();
        final Path dir;
        final String texts;
        Runnable precisionSwitch = () -> { };
        OpProfile recording;

        Recorder(Path dir, String texts) {
            this.dir = dir;
            this.texts = texts;
        }

        @Override
        public void onStep(int epoch, int step, double loss) {
            if (recording != null) {
                recording.markStep();
            }
        }

        @Override
        public void onEpochEnd(EpochLog log) {
            switch (log.epoch()) {
                case 1 -> recording = OpProfile.start(dir.resolve(texts + ".fp32.json"));
                case 2 -> {
                    stop("fp32");
                    precisionSwitch.run();
                }
                case 3 -> recording = OpProfile.start(dir.resolve(texts + ".bf16.json"));
                case 4 -> stop("bf16");
                default -> { }
            }
        }

        private void stop(String precision) {
            tables.put(precision, recording.stop());
            recording = null;
        }

        @Override
        public void close() {
            if (recording != null) {
                recording.close();
                recording = null;
            }
        }
    }
}
