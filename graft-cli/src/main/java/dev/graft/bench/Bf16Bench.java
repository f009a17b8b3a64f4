package dev.graft.bench;

import dev.graft.data.DatasetSplits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextExample;
import dev.graft.model.CpuFeatures;
import dev.graft.model.Precision;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TokenBatch;
import dev.graft.model.peft.PeftSpec;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.training.FreezeSchedule;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bf16 section of {@code graft bench}: the bfloat16 matrix product Graft's linear layers use
 * ({@code BFloat16Ops.linear}, 2048², casts included, see {@link MatmulPeak}) taking turns with the fp32 SGEMM, and the MiniLM
 * fine-tune step at batch 16 in fp32 and in bf16. One model trains on every batch twice in a row, once in each
 * precision, the order alternating from batch to batch ({@link Benchmarks#firstOfPair}), so both run the same batches
 * under the same machine load, a few milliseconds apart (with the precision switched by epoch, whichever ran during a
 * one-off event, such as a long JIT compilation, lost up to 10%); each step is timed as in the fine-tune section (batch
 * drawn to optimiser update).
 * The steps run on the fine-tune section's texts (short support tickets) and, when {@code ../shared}
 * is there, on book reviews (long: most reach the 128-token limit), because the share of the step
 * that matrix products take, and so bf16's gain, grows with the sequence length. The same on support
 * tickets with LoRA adapters on the frozen encoder (bf16 then speeds up the frozen products; the
 * adapters and their gradients stay float32).
 */
final class Bf16Bench extends TextStepBench {

    static final String BOOKS = "data/text/amazon_multidomain/books/train.tsv";

    Bf16Bench(BenchSettings s, BenchReport report, PrintStream log, TextModelSpec spec, BertConfig bert) {
        super(s, report, log, spec, bert);
    }

    void run(List<TextExample> tickets) {
        report.detail("bf16", "cpu_native_bf16", CpuFeatures.current().nativeBf16());
        report.detail("bf16", "auto_precision", Precision.auto(CpuFeatures.current()).key());
        matmul();
        fineTuneSteps(tickets, "", null);
        fineTuneSteps(tickets, ".lora", PeftSpec.lora());
        Path books = s.sharedDir() == null ? null : s.sharedDir().resolve(BOOKS);
        if (books != null && Files.isRegularFile(books)) {
            fineTuneSteps(TextDataReader.read(books).examples(), ".books", null);
        } else {
            report.notAvailable("ft.bf16.books", "needs ../shared/" + BOOKS + " (pass --shared DIR)");
        }
    }

    private void matmul() {
        // Both peaks again, taking turns, so that their ratio sees one machine load (this SGEMM replaces section 1's).
        List<Measurement> peaks = MatmulPeak.measure(s, List.of(MatmulPeak.SGEMM, MatmulPeak.BF16_PEAK));
        peaks.forEach(report::add);
        log.printf("[bench] SGEMM %.1f GFLOP/s, bf16 matmul %.1f GFLOP/s (interleaved)%n", peaks.get(0).gflops(),
                peaks.get(1).gflops());
    }

    /**
     * Times fp32 and bf16 steps on texts from {@code examples}, of full fine-tuning or, with {@code peft}, of that
     * adapter on the frozen encoder; {@code suffix} ends the measurement names.
     */
    private void fineTuneSteps(List<TextExample> examples, String suffix, PeftSpec peft) {
        int steps = s.ftSteps();
        int epochs = s.warmup() + s.reps();
        DatasetSplits splits = Benchmarks.stepSplits(examples, steps);
        Benchmarks.StepClock clock = new Benchmarks.StepClock();
        FineTuneConfig config = Benchmarks.fineTuneConfig(epochs, FreezeSchedule.all());
        FineTuning ft = peft == null ? new FineTuning(config)
                : new FineTuning(config.withBackboneLr(PeftSpec.DEFAULT_LEARNING_RATE, config.layerDecay()), peft);
        try (FineTuning.Prepared p = ft.prepare(spec, splits, List.of(clock))) {
            Benchmarks.RecordingSource rec = new Benchmarks.RecordingSource(p.train());
            rec.repeatEachBatch = 2;
            int[] started = {0};
            rec.beforeStep = idx -> p.model().encoder().setPrecision(precisionOfStep(started[0]++, steps));
            p.learner().fit(rec, p.val());
            p.model().encoder().setPrecision(Precision.FP32);
            if (rec.starts.size() != clock.ends.size() || rec.starts.size() != epochs * 2 * steps) {
                throw new IllegalStateException("step bookkeeping mismatch: " + rec.starts.size() + " starts, " + clock.ends.size()
                        + " ends, expected " + epochs * 2 * steps);
            }
            Measurement.Builder fp32 = new Measurement.Builder();
            Measurement.Builder bf16 = new Measurement.Builder();
            double flops = 0;
            List<Long> padded = new ArrayList<>();
            for (int e = s.warmup(); e < epochs; e++) {
                double[] sum = new double[2];
                List<TokenBatch> batches = new ArrayList<>();
                for (int k = e * 2 * steps; k < (e + 1) * 2 * steps; k++) {
                    sum[precisionOfStep(k, steps) == Precision.FP32 ? 0 : 1] += (clock.ends.get(k) - rec.starts.get(k)) / 1e9;
                    if (k % 2 == 0) {
                        batches.add(p.train().batch(rec.batches.get(k)));
                    }
                }
                fp32.add(sum[0]);
                bf16.add(sum[1]);
                flops += 3 * Flops.forward(bert, batches) / s.reps();
                padded.add(batches.stream().mapToLong(x -> (long) x.size() * x.length()).sum());
            }
            String texts = suffix.equals(".books") ? "book reviews" : peft != null ? "support tickets, LoRA" : "support tickets";
            report.detail("bf16", "padded_tokens_per_epoch" + suffix, padded);
            report.add(fp32.build("ft.fp32" + suffix, "fine-tune steps fp32 (" + texts + "), each batch also run in bf16 next to it",
                    "steps", steps, flops));
            report.comparedWith("ft.bf16" + suffix, BenchReport.BF16_PEAK);
            report.add(bf16.build("ft.bf16" + suffix, "fine-tune steps bf16 (" + texts + "), each batch also run in fp32 next to it",
                    "steps", steps, flops));
            log.printf("[bench] fine-tune step, %s: fp32 %.0f ms, bf16 %.0f ms%n", texts,
                    1000 * report.measurement("ft.fp32" + suffix).secondsPerUnit(),
                    1000 * report.measurement("ft.bf16" + suffix).secondsPerUnit());
        }
    }

    /**
     * The precision of step {@code step} (counted over the whole run) when every batch runs twice in a row: each pair of
     * steps is one batch in fp32 and in bf16, fp32 first where {@link Benchmarks#firstOfPair} says so.
     */
    static Precision precisionOfStep(int step, int batchesPerEpoch) {
        boolean fp32First = Benchmarks.firstOfPair(step / 2, batchesPerEpoch);
        return (step % 2 == 0) == fp32First ? Precision.FP32 : Precision.BF16;
    }
}
