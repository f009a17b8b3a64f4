package dev.graft.bench;

import dev.graft.data.DatasetSplits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextExample;
import dev.graft.model.Precision;
import dev.graft.model.bert.AttentionKernel;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertModel;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TokenBatch;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The profile section of {@code graft bench}: the MiniLM fine-tune step at batch 16 in several
 * variants (fp32 and bf16; attention as composite DJL ops, as libtorch's fused kernel, fused in
 * bf16, fused without attention-weight dropout), timed in rotation on one model so that every
 * variant sees the same kind of batches and machine load, then one epoch of each under libtorch's
 * per-op profiler ({@link OpProfile}). Runs on the support tickets and, with {@code ../shared}, on
 * book reviews. It prints the top ops, puts the step times and each profile table into
 * {@code bench-results.json} ({@code measurements.profile.*}, {@code details.profile}) and keeps the
 * Chrome traces (open them in {@code chrome://tracing} or Perfetto).
 */
public final class ProfileBench extends TextStepBench {

    /** The folder of traces {@code graft bench} keeps next to its results. */
    public static final DirectoryKind TRACES = new DirectoryKind("bench-traces", "graft bench profile traces", "README.txt",
            Set.of("README.txt"), "libtorch traces of graft bench");

    private static final String WORK_FOLDER = "traces";
    private static final int TOP = 15;
    private static final int TOP_IN_JSON = 40;

    /** One way to run the step; {@code attentionDropout} NaN = the model's dropout. */
    record Variant(String key, Precision precision, AttentionKernel kernel, float attentionDropout) {
        void apply(BertModel encoder) {
            encoder.setPrecision(precision);
            encoder.setAttentionKernel(kernel);
            encoder.setAttentionDropout(Float.isNaN(attentionDropout) ? encoder.dropout() : attentionDropout);
        }
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("fp32.composite", Precision.FP32, AttentionKernel.COMPOSITE, Float.NaN),
            new Variant("fp32.fused", Precision.FP32, AttentionKernel.FUSED, Float.NaN),
            new Variant("fp32.fused_no_attn_dropout", Precision.FP32, AttentionKernel.FUSED, 0f),
            new Variant("bf16.composite", Precision.BF16, AttentionKernel.COMPOSITE, Float.NaN),
            new Variant("bf16.fused", Precision.BF16, AttentionKernel.FUSED, Float.NaN),
            new Variant("bf16.fused_bf16", Precision.BF16, AttentionKernel.FUSED_BF16, Float.NaN));

    ProfileBench(BenchSettings s, BenchReport report, PrintStream log, TextModelSpec spec, BertConfig bert) {
        super(s, report, log, spec, bert);
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
        DatasetSplits splits = Benchmarks.stepSplits(examples, steps);
        Path traces;
        try {
            traces = Files.createDirectories(s.workDir().resolve(WORK_FOLDER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int timedEpochs = VARIANTS.size() * (s.warmup() + s.reps());
        Schedule schedule = new Schedule(traces, texts, timedEpochs);
        Benchmarks.StepClock clock = new Benchmarks.StepClock();
        FineTuning ft = new FineTuning(Benchmarks.fineTuneConfig(timedEpochs + VARIANTS.size(), FreezeSchedule.all()));
        try (FineTuning.Prepared p = ft.prepare(spec, splits, List.of(clock, schedule))) {
            Benchmarks.RecordingSource rec = new Benchmarks.RecordingSource(p.train());
            schedule.encoder = p.model().encoder();
            VARIANTS.get(0).apply(schedule.encoder);
            p.learner().fit(rec, p.val());
            Map<String, Measurement.Builder> times = new LinkedHashMap<>();
            Map<String, Double> flops = new LinkedHashMap<>();
            for (int e = VARIANTS.size() * s.warmup(); e < timedEpochs; e++) {
                String key = VARIANTS.get(e % VARIANTS.size()).key();
                double sum = 0;
                List<TokenBatch> batches = new ArrayList<>();
                for (int k = e * steps; k < (e + 1) * steps; k++) {
                    sum += (clock.ends.get(k) - rec.starts.get(k)) / 1e9;
                    batches.add(p.train().batch(rec.batches.get(k)));
                }
                times.computeIfAbsent(key, x -> new Measurement.Builder()).add(sum);
                flops.merge(key, 3 * Flops.forward(bert, batches) / s.reps(), Double::sum);
            }
            StringBuilder line = new StringBuilder("[bench] fine-tune step by variant, " + texts + ":");
            for (Variant v : VARIANTS) {
                String name = "profile." + texts + "." + v.key();
                report.add(times.get(v.key()).build(name, "fine-tune steps, " + texts + ", " + v.key() + ", in rotation with the"
                        + " other variants", "steps", steps, flops.get(v.key())));
                line.append(String.format(java.util.Locale.ROOT, " %s %.0f ms", v.key(), 1000 * report.measurement(name).secondsPerUnit()));
            }
            log.println(line);
        } finally {
            schedule.close();
        }
        schedule.tables.forEach((variant, table) -> {
            String key = texts + "." + variant;
            log.printf("[bench] per-op profile, fine-tune step, %s, %s:%n%s", texts, variant, table.format(TOP));
            report.detail("profile", key, json(table, key + ".json"));
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

    /**
     * Sets each epoch's variant: epochs 1..timed rotate through the variants (the first round is warm-up), then one
     * epoch per variant runs under the profiler, each step marked.
     */
    private static final class Schedule implements TrainingListener, AutoCloseable {
        final Map<String, OpTable> tables = new LinkedHashMap<>();
        final Path dir;
        final String texts;
        final int timed;
        BertModel encoder;
        OpProfile recording;
        String recordingKey;

        Schedule(Path dir, String texts, int timed) {
            this.dir = dir;
            this.texts = texts;
            this.timed = timed;
        }

        @Override
        public void onStep(int epoch, int step, double loss) {
            if (recording != null) {
                recording.markStep();
            }
        }

        @Override
        public void onEpochEnd(EpochLog log) {
            if (recording != null) {
                tables.put(recordingKey, recording.stop());
                recording = null;
            }
            int next = log.epoch(); // 0-based index of the next epoch
            Variant v = VARIANTS.get(next < timed ? next % VARIANTS.size() : (next - timed) % VARIANTS.size());
            v.apply(encoder);
            if (next >= timed && next < timed + VARIANTS.size()) {
                recordingKey = v.key();
                recording = OpProfile.start(dir.resolve(texts + "." + v.key() + ".json"));
            }
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
