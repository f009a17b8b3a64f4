package dev.graft.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import dev.graft.data.DatasetSplits;
import dev.graft.data.Splits;
import dev.graft.data.TextDataReader;
import dev.graft.data.TextDataset;
import dev.graft.data.TextExample;
import dev.graft.model.Precision;
import dev.graft.model.bert.BertBackbone;
import dev.graft.model.bert.BertConfig;
import dev.graft.model.bert.BertConfigInference;
import dev.graft.model.text.DjlTextEncoder;
import dev.graft.model.text.OnnxTextEncoder;
import dev.graft.model.text.SentenceEncoder;
import dev.graft.model.text.SentenceEncoders;
import dev.graft.model.text.TextModelSpec;
import dev.graft.model.text.TextModels;
import dev.graft.model.text.TextTokenizer;
import dev.graft.model.text.TokenBatch;
import dev.graft.model.text.TokenizedText;
import dev.graft.model.text.TransformerClassifier;
import dev.graft.model.torch.FreshGradients;
import dev.graft.model.torch.FusedAdamW;
import dev.graft.model.torch.LazyRowDecay;
import dev.graft.model.torch.RowSparseAdamW;
import dev.graft.strategy.EmbeddingCache;
import dev.graft.strategy.FeatureExtraction;
import dev.graft.strategy.FeatureExtractionConfig;
import dev.graft.strategy.FineTuneConfig;
import dev.graft.strategy.FineTuning;
import dev.graft.strategy.TrainingOutcome;
import dev.graft.tensor.onnx.OnnxGraph;
import dev.graft.training.BatchSource;
import dev.graft.training.EpochLog;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Learner;
import dev.graft.training.LrSchedule;
import dev.graft.training.TokenBatches;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingListener;
import dev.graft.training.optim.OptimizerSpec;
import dev.graft.util.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The measurements of {@code graft bench}, run one after the other in this process (libtorch and
 * ONNX Runtime never compute at the same time) plus child processes for peak memory and PyTorch.
 */
public final class Benchmarks {

    static final long SEED = 42;
    /** Pause between engines so the other engine's spinning worker threads have gone idle. */
    private static final long ENGINE_SWITCH_PAUSE_MS = 500;
    /** The least warm-up and recorded repetitions of the feature-extraction comparison. */
    private static final int FE_MIN_WARMUP = 2;
    private static final int FE_MIN_REPS = 7;

    private final BenchSettings s;
    private final PrintStream log;
    private final BenchReport report = new BenchReport();
    private final TextModelSpec spec;
    private BertConfig bert;

    /** Benchmarks with these settings, logging progress to {@code log}. */
    public Benchmarks(BenchSettings settings, PrintStream log) {
        this.s = settings;
        this.log = log;
        this.spec = TextModels.resolve("minilm");
    }

    /** Runs every section and returns the report. */
    public BenchReport run() throws IOException {
        Files.createDirectories(s.workDir());
        report.setting("quick", s.quick()).setting("threads", s.threads()).setting("warmup_reps", s.warmup())
                .setting("reps", s.reps()).setting("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads"))
                .setting("ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads"))
                .setting("OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")))
                .setting("ort_intra_op_threads", s.threads()).setting("cores", Runtime.getRuntime().availableProcessors())
                .setting("cpu", cpuModel()).setting("java", System.getProperty("java.version"))
                .setting("model", spec.id()).setting("shared_data", s.sharedDir() == null ? "absent" : s.sharedDir().toString())
                .setting("loadavg_start", RunEnvironment.loadAverage())
                .setting("cpu_kernel_flags", RunEnvironment.kernelFlags(dev.graft.model.CpuFeatures.current()));
        RunEnvironment.graftSide(s.threads()).forEach((k, v) -> report.detail("graft", k, v));
        bert = BertConfigInference.fromOnnx(OnnxGraph.read(spec.onnxFile()));
        report.detail("model", "hidden", bert.hiddenSize()).detail("model", "layers", bert.numLayers())
                .detail("model", "intermediate", bert.intermediateSize()).detail("model", "max_length", spec.maxLength())
                .detail("model", "layer_weight_params", Flops.layerWeights(bert));

        Corpus corpus = s.runs("fe") || s.runs("ft") || s.runs("bf16") || s.runs("profile") ? corpus() : null;
        if (s.runs("sgemm")) {
            section("1/7 SGEMM 2048x2048 float32 on libtorch");
            sgemm();
            pause();
        }
        if (s.runs("fe")) {
            section("2/7 frozen feature extraction (" + corpus.texts().size() + " real texts)");
            featureExtraction(corpus);
        }
        if (s.runs("ft")) {
            section("3/7 fine-tune step, batch 16 (Graft vs minimal libtorch loop vs PyTorch), bucketing vs fixed 128");
            fineTune(corpus);
        }
        if (s.runs("bf16")) {
            section("4/7 bf16: bfloat16 matmul next to fp32 SGEMM, fine-tune step bf16 vs fp32 (batch 16)");
            new Bf16Bench(s, report, log, spec, bert).run(corpus.tickets());
            pause();
        }
        if (s.runs("profile")) {
            section("profile: fine-tune step (batch 16) by variant (fp32/bf16, attention kernel), timed in rotation, then per-op profiles");
            new ProfileBench(s, report, log, spec, bert).run(corpus.tickets());
            pause();
        }
        if (s.runs("fe10")) {
            section("5/7 feature extraction: 10 epochs on a warm cache vs one backbone pass");
            fe10();
        }
        if (s.runs("rss")) {
            section("6/7 peak RSS of head-only, top-2, full fine-tuning and LoRA (child JVMs)");
            if (s.rss()) {
                peakRss();
            } else {
                report.notAvailable("peak_rss", "skipped with --no-rss");
            }
        }
        if (s.runs("vision")) {
            section("7/7 vision: MobileNetV2 frozen forward (ONNX Runtime, DJL) and fine-tune step, 224px");
            new VisionBench(s, report, log).run();
        }
        report.setting("loadavg_end", RunEnvironment.loadAverage());
        return report;
    }

    // ---------------------------------------------------------------- data

    /** Real texts with labels (labels only matter for the fine-tune data). */
    record Corpus(List<TextExample> tickets, List<String> texts, Map<String, Integer> sources) {
    }

    private Corpus corpus() {
        List<TextExample> tickets = new ArrayList<>();
        tickets.addAll(TextDataReader.read(s.examplesDir().resolve("train.csv")).examples());
        Path test = s.examplesDir().resolve("test.csv");
        if (Files.isRegularFile(test)) {
            tickets.addAll(TextDataReader.read(test).examples());
        }
        List<String> texts = new ArrayList<>();
        Map<String, Integer> sources = new java.util.LinkedHashMap<>();
        List<TextExample> shuffled = new ArrayList<>(tickets);
        Collections.shuffle(shuffled, new Random(SEED));
        int nt = Math.min(tickets.size(), s.feTexts());
        shuffled.subList(0, nt).forEach(e -> texts.add(e.text()));
        sources.put("support-tickets", nt);
        if (s.sharedDir() != null) {
            addShared(texts, sources, "sms_spam", s.sharedDir().resolve("data/text/sms_spam/SMSSpamCollection"), s.feTexts() / 2);
            addShared(texts, sources, "amazon_books", s.sharedDir().resolve("data/text/amazon_multidomain/books/train.tsv"),
                    s.feTexts() / 4);
        }
        report.setting("fe_corpus", sources);
        return new Corpus(tickets, texts, sources);
    }

    private void addShared(List<String> texts, Map<String, Integer> sources, String name, Path file, int count) {
        if (!Files.isRegularFile(file)) {
            report.notAvailable("corpus." + name, file + " is missing");
            return;
        }
        List<String> all = new ArrayList<>(TextDataReader.read(file).examples().stream().map(TextExample::text).toList());
        Collections.shuffle(all, new Random(SEED));
        List<String> take = all.subList(0, Math.min(count, all.size()));
        texts.addAll(take);
        sources.put(name, take.size());
    }

    // ---------------------------------------------------------------- 1. SGEMM

    private void sgemm() {
        Measurement mm = MatmulPeak.measure(s, List.of(MatmulPeak.SGEMM)).get(0);
        report.add(mm);
        log.printf("[bench] SGEMM: %.1f GFLOP/s%n", mm.gflops());
    }

    // ---------------------------------------------------------------- 2. feature extraction

    private void featureExtraction(Corpus corpus) throws IOException {
        List<String> texts = corpus.texts();
        int batchSize = OnnxTextEncoder.DEFAULT_BATCH_SIZE;
        List<TokenBatch> batches;
        // Four variants, each repetition running all of them in a rotated order (every variant takes every position
        // equally often), more repetitions than elsewhere: one pass is short and the ratio sits near its target.
        String[] names = {"fe.graft", "fe.graft_encode_only", "fe.raw_ort", "fe.raw_ort_pretokenised"};
        int warmup = Math.max(s.warmup(), FE_MIN_WARMUP);
        int reps = Math.max(s.reps(), FE_MIN_REPS);
        List<Measurement.Builder> times = new ArrayList<>();
        for (int v = 0; v < names.length; v++) {
            times.add(new Measurement.Builder());
        }
        try (OnnxTextEncoder encoder = OnnxTextEncoder.open(spec, s.threads(), batchSize)) {
            // The same batches OnnxTextEncoder builds: texts sorted by token length, cut into batches, each padded to its longest.
            List<TokenizedText> tokens = encoder.tokenizer().tokenize(texts);
            lengthStats("fe_corpus_tokens", tokens.stream().mapToInt(TokenizedText::length).toArray());
            Integer[] order = IntStream.range(0, texts.size()).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingInt(i -> tokens.get(i).length()));
            batches = new ArrayList<>();
            for (int st = 0; st < order.length; st += batchSize) {
                List<TokenizedText> chunk = new ArrayList<>();
                for (int k = st; k < Math.min(order.length, st + batchSize); k++) {
                    chunk.add(tokens.get(order[k]));
                }
                batches.add(TokenBatch.pad(chunk, encoder.tokenizer().padId()));
            }
            report.detail("fe", "padded_tokens", batches.stream().mapToLong(x -> (long) x.size() * x.length()).sum());
            report.detail("fe", "real_tokens", batches.stream().mapToLong(TokenBatch::realTokens).sum());
            report.detail("fe", "warmup_reps", warmup);
            report.detail("fe", "reps", reps);
            try (RawOrt ort = new RawOrt(spec.onnxFile(), spec.tokenizerFile(), spec.maxLength(), encoder.tokenizer().padId(),
                    s.threads(), batchSize, batches)) {
                for (int r = 0; r < warmup + reps; r++) {
                    for (int k = 0; k < names.length; k++) {
                        int which = (r + k) % names.length;
                        long t0 = System.nanoTime();
                        switch (which) {
                            case 0 -> {
                                // Graft: tokenise -> sort/bucket -> pad -> ORT -> pool -> cache write (a cold cache each time)
                                EmbeddingCache cache = new EmbeddingCache(s.workDir().resolve("fe-cache-" + r));
                                float[][] out = cache.embed(encoder, texts, Progress.NONE);
                                if (out.length != texts.size() || cache.misses() != 1) {
                                    throw new IllegalStateException("the Graft pipeline did not compute every text");
                                }
                            }
                            // Graft's encoder alone (no cache key, no cache write), to attribute any gap
                            case 1 -> encoder.encode(texts, Progress.NONE);
                            // raw ONNX Runtime from the texts: the same tokenizer library, sort, pad, run; no pooling
                            case 2 -> ort.runTexts(texts);
                            // raw ONNX Runtime on the same batches, tokenised and padded before the clock starts
                            default -> ort.runPrepared();
                        }
                        double secs = (System.nanoTime() - t0) / 1e9;
                        if (r >= warmup) {
                            times.get(which).add(secs);
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime: " + e.getMessage(), e);
        }
        double flops = Flops.forward(bert, batches);
        String[] what = {"Graft: tokenise+bucket+ORT+pool+cache write", "Graft OnnxTextEncoder.encode alone (no cache)",
            "raw ORT from texts: HF tokenizer+sort+pad+run", "raw OrtSession.run, same batches made beforehand"};
        for (int v = 0; v < names.length; v++) {
            report.add(times.get(v).build(names[v], what[v], "sentences", texts.size(), flops));
        }
        log.printf("[bench] Graft %.1f sentences/s, raw ORT from texts %.1f sentences/s, on batches made beforehand %.1f%n",
                report.measurement("fe.graft").throughput(), report.measurement("fe.raw_ort").throughput(),
                report.measurement("fe.raw_ort_pretokenised").throughput());
        pause();
        try (DjlTextEncoder encoder = DjlTextEncoder.open(spec, batchSize)) {
            report.add(timedEncoding(encoder, texts).build("fe.djl", "DJL/libtorch no-grad (DjlTextEncoder), same batches",
                    "sentences", texts.size(), flops));
        }
        // what feature extraction runs with --precision bf16 (SentenceEncoders.open with Precision.BF16)
        try (SentenceEncoder encoder = SentenceEncoders.open(spec, s.threads(), batchSize, Precision.BF16)) {
            report.add(timedEncoding(encoder, texts).build("fe.djl_bf16", "--precision bf16: DJL/libtorch no-grad, bf16"
                    + " products, same batches", "sentences", texts.size(), flops));
        }
        log.printf("[bench] DJL/libtorch %.1f sentences/s, in bf16 %.1f%n", report.measurement("fe.djl").throughput(),
                report.measurement("fe.djl_bf16").throughput());
        pause();
        oneTextAtATime(texts.subList(0, Math.min(ONE_TEXT_CALLS, texts.size())));
    }

    /** Texts a repetition of the one-text measurements embeds, one call each. */
    static final int ONE_TEXT_CALLS = 32;

    /**
     * One text per call, as a server answering requests one by one calls the encoder: ONNX Runtime in fp32 (a served
     * head on an ONNX encoder), libtorch in fp32, and libtorch in bf16 with its weights settled (a loaded model) and
     * casting them at every call (before settled weights). The variants take turns in a rotated order.
     */
    private void oneTextAtATime(List<String> texts) {
        String[] names = {"fe.one_text.ort", "fe.one_text.djl", "fe.one_text.djl_bf16", "fe.one_text.djl_bf16_casting"};
        String[] what = {"ONNX Runtime fp32 (OnnxTextEncoder), one text a call",
            "DJL/libtorch fp32 (DjlTextEncoder), one text a call",
            "DJL/libtorch bf16, weights settled (a loaded model's encoder), one text a call",
            "DJL/libtorch bf16, weights cast at every call, one text a call"};
        List<Measurement.Builder> times = new ArrayList<>();
        for (int v = 0; v < names.length; v++) {
            times.add(new Measurement.Builder());
        }
        try (SentenceEncoder ort = OnnxTextEncoder.open(spec, s.threads(), 1);
             DjlTextEncoder fp32 = DjlTextEncoder.open(spec, 1);
             DjlTextEncoder settled = DjlTextEncoder.open(spec, 1);
             DjlTextEncoder casting = DjlTextEncoder.open(spec, 1)) {
            settled.model().setPrecision(Precision.BF16);
            settled.settleWeights();
            casting.model().setPrecision(Precision.BF16);
            SentenceEncoder[] encoders = {ort, fp32, settled, casting};
            for (int r = 0; r < s.warmup() + s.reps(); r++) {
                for (int k = 0; k < names.length; k++) {
                    int which = (r + k) % names.length;
                    long t0 = System.nanoTime();
                    for (String text : texts) {
                        encoders[which].encode(List.of(text), Progress.NONE);
                    }
                    if (r >= s.warmup()) {
                        times.get(which).since(t0);
                    }
                }
            }
        }
        for (int v = 0; v < names.length; v++) {
            report.add(times.get(v).build(names[v], what[v], "texts", texts.size(), 0));
        }
        log.printf("[bench] one text a call: ONNX Runtime %.1f ms, libtorch fp32 %.1f ms, bf16 %.1f ms (casting every call:"
                + " %.1f ms)%n", 1000 * report.measurement(names[0]).secondsPerUnit(),
                1000 * report.measurement(names[1]).secondsPerUnit(), 1000 * report.measurement(names[2]).secondsPerUnit(),
                1000 * report.measurement(names[3]).secondsPerUnit());
        pause();
    }

    /** {@code encoder} over {@code texts}, warm-up passes first, the rest timed. */
    private Measurement.Builder timedEncoding(SentenceEncoder encoder, List<String> texts) {
        Measurement.Builder times = new Measurement.Builder();
        for (int r = 0; r < s.warmup() + s.reps(); r++) {
            long t0 = System.nanoTime();
            encoder.encode(texts, Progress.NONE);
            if (r >= s.warmup()) {
                times.since(t0);
            }
        }
        return times;
    }

    // ---------------------------------------------------------------- 3. fine-tune step

    static FineTuneConfig fineTuneConfig(int epochs, FreezeSchedule freeze) {
        TrainConfig t = FineTuneConfig.defaults().training().withEpochs(epochs).withPatience(0)
                .withBatchSize(BenchSettings.FT_BATCH).withSeed(SEED);
        // AdamW without clipping, constant rate: the same arithmetic the minimal loop does.
        return FineTuneConfig.defaults().withTraining(t).withOptimizer(OptimizerSpec.adamW()).withSchedule(LrSchedule.constant())
                .withFreeze(freeze);
    }

    /** {@code steps} batches of {@link BenchSettings#FT_BATCH} seeded-shuffled texts to train on, one more to validate. */
    static DatasetSplits stepSplits(List<TextExample> examples, int steps) {
        List<TextExample> pool = new ArrayList<>(examples);
        Collections.shuffle(pool, new Random(SEED));
        int n = Math.min(pool.size() - BenchSettings.FT_BATCH, steps * BenchSettings.FT_BATCH);
        return new DatasetSplits(TextDataset.of("bench-train", pool.subList(0, n)),
                TextDataset.of("bench-val", pool.subList(n, n + BenchSettings.FT_BATCH)), Optional.empty());
    }

    /**
     * Records which batches the learner drew and when each step began; {@link #beforeStep}, when set, runs on each batch
     * before its step's clock starts.
     */
    static final class RecordingSource implements BatchSource {
        final TokenBatches inner;
        final List<int[]> batches = new ArrayList<>();
        final List<Long> starts = new ArrayList<>();
        Consumer<int[]> beforeStep = idx -> { };
        /** Each epoch draws every batch this many times in a row (1: as the data source draws them). */
        int repeatEachBatch = 1;

        RecordingSource(TokenBatches inner) {
            this.inner = inner;
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public int[] labels() {
            return inner.labels();
        }

        @Override
        public NDList inputs(NDManager manager, int[] indices) {
            beforeStep.accept(indices);
            starts.add(System.nanoTime());
            batches.add(indices);
            return inner.inputs(manager, indices);
        }

        @Override
        public NDArray labels(NDManager manager, int[] indices) {
            return inner.labels(manager, indices);
        }

        @Override
        public List<int[]> epochBatches(int batchSize, Random rng) {
            List<int[]> drawn = inner.epochBatches(batchSize, rng);
            if (repeatEachBatch == 1) {
                return drawn;
            }
            List<int[]> repeated = new ArrayList<>(drawn.size() * repeatEachBatch);
            drawn.forEach(b -> repeated.addAll(Collections.nCopies(repeatEachBatch, b)));
            return repeated;
        }

        @Override
        public List<int[]> inferenceBatches(int batchSize) {
            return inner.inferenceBatches(batchSize);
        }
    }

    /**
     * Records when each step ended (after the optimiser update) and the trainable count; {@link #afterStep}, when set,
     * runs after each step's clock stopped, {@link #afterEpoch} after each epoch.
     */
    static final class StepClock implements TrainingListener {
        final List<Long> ends = new ArrayList<>();
        final List<Integer> epochs = new ArrayList<>();
        long trainable;
        Runnable afterStep = () -> { };
        Runnable afterEpoch = () -> { };

        @Override
        public void onStep(int epoch, int step, double loss) {
            ends.add(System.nanoTime());
            epochs.add(epoch);
            afterStep.run();
        }

        @Override
        public void onEpochEnd(EpochLog log) {
            trainable = log.trainable();
            afterEpoch.run();
        }
    }

    private void fineTune(Corpus corpus) throws IOException {
        int steps = s.ftSteps();
        int epochs = s.warmup() + s.reps();
        List<TextExample> pool = new ArrayList<>(corpus.tickets());
        Collections.shuffle(pool, new Random(SEED));
        int n = Math.min(pool.size() - BenchSettings.FT_BATCH, steps * BenchSettings.FT_BATCH);
        TextDataset train = TextDataset.of("bench-train", pool.subList(0, n));
        TextDataset val = TextDataset.of("bench-val", pool.subList(n, n + BenchSettings.FT_BATCH));
        DatasetSplits splits = new DatasetSplits(train, val, Optional.empty());
        StepClock clock = new StepClock();
        FineTuning ft = new FineTuning(fineTuneConfig(epochs, FreezeSchedule.all()));
        Path weights = Files.createDirectories(s.workDir().resolve("pytorch-weights"));
        try (FineTuning.Prepared p = ft.prepare(spec, splits, List.of(clock)); PyTorchPeer peer = new PyTorchPeer(s, report, log)) {
            BertBackbone.save(p.model().encoder(), weights); // the pretrained weights, for the PyTorch script
            RecordingSource rec = new RecordingSource(p.train());
            lengthStats("ft_tokens", IntStream.range(0, p.train().size()).map(p.train()::length).toArray());
            MinimalLoop minimal = new MinimalLoop(p.model(), splits.labelMap().size());
            peer.start(weights, bert, splits.labelMap().size(), p.model().encoder().dropout());
            Measurement.Builder minimalTimes = new Measurement.Builder();
            // The minimal loop replays each of Graft's steps next to it, on the same batch, before or after it by turns
            // (MinimalTurns), so the two are compared step by step under the same machine load. After each epoch of
            // Graft's loop (outside its timed steps) the PyTorch peer, a separate process, replays that epoch's batches.
            MinimalTurns turns = new MinimalTurns(minimal, p.train(), steps);
            rec.beforeStep = turns::beforeGraft;
            clock.afterStep = turns::afterGraft;
            int[] epochNo = {0};
            clock.afterEpoch = () -> {
                epochNo[0]++;
                List<int[]> epochBatches = rec.batches.subList(rec.batches.size() - steps, rec.batches.size());
                List<TokenBatch> tb = epochBatches.stream().map(p.train()::batch).toList();
                List<long[]> labels = epochBatches.stream().map(idx -> labelsOf(p.train(), idx)).toList();
                boolean record = epochNo[0] > s.warmup();
                double secs = turns.endEpoch();
                if (record) {
                    minimalTimes.add(secs);
                }
                peer.rep(epochNo[0] - 1, record, tb, labels);
            };
            p.learner().fit(rec, p.val());
            clock.afterEpoch = () -> { };
            clock.afterStep = () -> { };
            rec.beforeStep = idx -> { };
            if (rec.starts.size() != clock.ends.size() || rec.starts.size() != epochs * steps) {
                throw new IllegalStateException("step bookkeeping mismatch: " + rec.starts.size() + " starts, " + clock.ends.size()
                        + " ends, expected " + epochs * steps);
            }
            Measurement.Builder graftTimes = new Measurement.Builder();
            for (int e = s.warmup(); e < epochs; e++) {
                double sum = 0;
                for (int k = e * steps; k < (e + 1) * steps; k++) {
                    sum += (clock.ends.get(k) - rec.starts.get(k)) / 1e9;
                }
                graftTimes.add(sum);
            }
            List<TokenBatch> timed = rec.batches.subList(s.warmup() * steps, rec.batches.size()).stream().map(p.train()::batch).toList();
            double flopsPerRep = 3 * Flops.forward(bert, timed) / s.reps();
            report.add(graftTimes.build("ft.graft", "Graft Learner.fit steps (AdamW, layer groups)", "steps", steps, flopsPerRep));
            report.add(minimalTimes.build("ft.minimal", "minimal DJL loop, same module and batches, each step next to Graft's",
                    "steps", steps, flopsPerRep));
            report.detail("ft", "trainable_params", clock.trainable);
            log.printf("[bench] fine-tune step: Graft %.0f ms, minimal libtorch %.0f ms%n",
                    1000 * report.measurement("ft.graft").secondsPerUnit(), 1000 * report.measurement("ft.minimal").secondsPerUnit());

            peer.finish(steps, flopsPerRep);
            padding(p, corpus);
        }
        pause();
    }

    private static long[] labelsOf(TokenBatches data, int[] idx) {
        int[] all = data.labels();
        long[] y = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            y[i] = all[idx[i]];
        }
        return y;
    }

    /**
     * A hand-written training loop on the same module: forward, cross-entropy, a backward pass that replaces the
     * gradients ({@link FreshGradients}), libtorch's fused AdamW kernel, and for the word embeddings the row-sparse
     * update ({@link RowSparseAdamW}), its idle rows' decay deferred as the learner defers it ({@link LazyRowDecay}): the
     * ops Graft's learner calls, so the ratio measures Graft's machinery around them; no Graft machinery.
     */
    static final class MinimalLoop {
        private final TransformerClassifier model;
        private final int classes;
        private final List<Parameter> params = new ArrayList<>();
        private final List<NDArray[]> moments = new ArrayList<>();
        private final NDManager state;
        private final Map<NDArray, NDArray> active = new IdentityHashMap<>();
        private long t;

        MinimalLoop(TransformerClassifier model, int classes) {
            this.model = model;
            this.classes = classes;
            NDManager base = model.namedParameters().values().iterator().next().getArray().getManager();
            state = base.newSubManager();
            for (Parameter p : model.namedParameters().values()) {
                params.add(p);
                moments.add(new NDArray[] {state.zeros(p.getArray().getShape()), state.zeros(p.getArray().getShape())});
            }
        }

        /** Brings every row of the word embeddings up to date: the deferred decay, outside the timed steps. */
        void settle() {
            LazyRowDecay.settle(params);
        }

        /** Runs one step on batch {@code b} with these labels; returns its seconds. */
        double step(TokenBatch b, long[] labels) {
            NDManager base = params.get(0).getArray().getManager();
            double lr = 1e-4;
            double wd = 0.01;
            double b1 = 0.9;
            double b2 = 0.999;
            long t0 = System.nanoTime();
            try (NDManager step = base.newSubManager()) {
                Shape shape = new Shape(b.size(), b.length());
                NDList in = new NDList(step.create(b.inputIds(), shape), step.create(b.attentionMask(), shape),
                        step.create(b.tokenTypeIds(), shape));
                NDArray y = step.create(labels);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.forward(new ParameterStore(step, false), in, true).singletonOrThrow();
                    NDArray loss = logits.logSoftmax(-1).mul(y.oneHot(classes)).sum(new int[] {-1}).mean().neg();
                    FreshGradients.backwardTrainable(loss, params);
                }
                t++;
                List<NDArray> weights = new ArrayList<>();
                List<NDArray> gradients = new ArrayList<>();
                List<NDArray> first = new ArrayList<>();
                List<NDArray> second = new ArrayList<>();
                for (int k = 0; k < params.size(); k++) {
                    if (params.get(k).requiresGradient()) {
                        NDArray w = params.get(k).getArray();
                        NDArray[] mv = moments.get(k);
                        NDArray rows = FreshGradients.writtenRowsOf(w);
                        if (rows != null) {
                            NDArray mask = active.computeIfAbsent(w, x -> RowSparseAdamW.activeRows(mv[0], mv[1]));
                            // the idle rows' decay deferred, as Graft's learner defers it (LazyRowDecay)
                            if (RowSparseAdamW.step(w, w.getGradient(), mv[0], mv[1], rows, mask, t, lr, wd, b1, b2, 1e-8, true)
                                    == RowSparseAdamW.Outcome.UPDATED) {
                                continue;
                            }
                            LazyRowDecay.settle(w); // the dense kernel decays every row
                        }
                        weights.add(w);
                        gradients.add(w.getGradient());
                        first.add(mv[0]);
                        second.add(mv[1]);
                    }
                }
                if (!FusedAdamW.step(List.of(new FusedAdamW.Group(weights, gradients, first, second, t, lr, wd)), b1, b2, 1e-8)) {
                    throw new IllegalStateException("the minimal loop's arrays are not contiguous");
                }
                gradients.forEach(NDArray::close);
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * For two variants run back to back on each of an epoch's batches: whether variant A goes first on batch {@code pair}
     * (counted over the whole run) of epochs of {@code pairsPerEpoch} batches. The order alternates from batch to batch,
     * and the first batch of an epoch, which follows the validation pass, falls to each variant in turn.
     */
    static boolean firstOfPair(int pair, int pairsPerEpoch) {
        return (pair / pairsPerEpoch + pair % pairsPerEpoch) % 2 == 0;
    }

    /**
     * Runs the minimal loop's replay of each of Graft's steps next to it, on the same batch: before Graft's step when
     * the step's number in its epoch plus the epoch's number is even, else after it (the first step of an epoch, which
     * follows the validation pass, falls to each loop in turn). Neither loop's time includes the other's.
     */
    static final class MinimalTurns {
        private final MinimalLoop minimal;
        private final TokenBatches data;
        private final int stepsPerEpoch;
        private int started;
        private int[] current;
        private double epochSeconds;

        MinimalTurns(MinimalLoop minimal, TokenBatches data, int stepsPerEpoch) {
            this.minimal = minimal;
            this.data = data;
            this.stepsPerEpoch = stepsPerEpoch;
        }

        /** Called with each batch of Graft's before its step's clock starts. */
        void beforeGraft(int[] indices) {
            current = indices;
            if (minimalFirst(started)) {
                replay();
            }
            started++;
        }

        /** Called after each of Graft's steps, once its clock stopped. */
        void afterGraft() {
            if (!minimalFirst(started - 1)) {
                replay();
            }
        }

        /** The minimal loop's seconds since the last call. */
        double endEpoch() {
            minimal.settle();
            double s = epochSeconds;
            epochSeconds = 0;
            return s;
        }

        static boolean minimalFirst(int step, int stepsPerEpoch) {
            return firstOfPair(step, stepsPerEpoch);
        }

        private boolean minimalFirst(int step) {
            return minimalFirst(step, stepsPerEpoch);
        }

        private void replay() {
            epochSeconds += minimal.step(data.batch(current), labelsOf(data, current));
        }
    }

    /** Dynamic padding with bucketing vs fixed 128-token padding, through Graft's learner, on the mixed real corpus. */
    private void padding(FineTuning.Prepared p, Corpus corpus) throws IOException {
        List<String> texts = new ArrayList<>(corpus.texts());
        Collections.shuffle(texts, new Random(SEED + 1));
        int n = Math.min(texts.size(), Math.max(1, s.ftSteps() / 2) * BenchSettings.FT_BATCH);
        texts = texts.subList(0, n);
        int classes = p.model().head().config().numClasses();
        int[] labels = IntStream.range(0, n).map(i -> i % classes).toArray();
        List<TokenizedText> tokens;
        long padId;
        try (TextTokenizer tok = TextTokenizer.open(spec.tokenizerFile(), spec.maxLength())) {
            tokens = tok.tokenize(texts);
            padId = tok.padId();
        }
        lengthStats("pad_tokens", tokens.stream().mapToInt(TokenizedText::length).toArray());
        TokenBatches bucketed = TokenBatches.bucketed(tokens, labels, padId);
        TokenBatches fixed = TokenBatches.fixedLength(tokens, labels, padId, BenchSettings.FIXED_LENGTH);
        Measurement.Builder mb = new Measurement.Builder();
        Measurement.Builder mf = new Measurement.Builder();
        double[] flops = new double[2];
        FineTuneConfig cfg = fineTuneConfig(1, FreezeSchedule.all());
        for (int r = 0; r < s.warmup() + s.reps(); r++) {
            for (int which = 0; which < 2; which++) {
                TokenBatches data = which == 0 ? bucketed : fixed;
                StepClock clock = new StepClock();
                RecordingSource rec = new RecordingSource(data);
                new Learner(p.model(), p.model(), cfg.training(), cfg.plan(), List.of(clock)).fit(rec, p.val());
                double sum = 0;
                for (int k = 0; k < rec.starts.size(); k++) {
                    sum += (clock.ends.get(k) - rec.starts.get(k)) / 1e9;
                }
                flops[which] = 3 * Flops.forward(bert, rec.batches.stream().map(data::batch).toList());
                if (r >= s.warmup()) {
                    (which == 0 ? mb : mf).add(sum);
                }
            }
        }
        report.add(mb.build("pad.bucketed", "Graft steps, dynamic padding + length buckets", "examples", n, flops[0]));
        report.add(mf.build("pad.fixed128", "Graft steps, every batch padded to 128 tokens", "examples", n, flops[1]));
        log.printf("[bench] bucketed %.1f examples/s, fixed-128 %.1f examples/s%n", report.measurement("pad.bucketed").throughput(),
                report.measurement("pad.fixed128").throughput());
    }

    // ---------------------------------------------------------------- 4. 10 epochs on a warm cache

    private void fe10() throws IOException {
        TextDataset train = TextDataReader.read(s.examplesDir().resolve("train.csv"));
        Path testFile = s.examplesDir().resolve("test.csv");
        TextDataset test = Files.isRegularFile(testFile) ? TextDataReader.read(testFile) : null;
        DatasetSplits splits = Splits.withDatasets(train, null, test, SEED);
        List<List<String>> parts = new ArrayList<>();
        parts.add(splits.train().examples().stream().map(TextExample::text).toList());
        parts.add(splits.val().examples().stream().map(TextExample::text).toList());
        splits.test().ifPresent(t -> parts.add(t.examples().stream().map(TextExample::text).toList()));
        int total = parts.stream().mapToInt(List::size).sum();

        // One backbone pass over every split, as FeatureExtraction's embedding step runs it (encoder open, no cache).
        Measurement.Builder pass = new Measurement.Builder();
        double flops = 0;
        try (OnnxTextEncoder encoder = OnnxTextEncoder.open(spec, s.threads(), OnnxTextEncoder.DEFAULT_BATCH_SIZE)) {
            for (List<String> part : parts) {
                List<TokenizedText> tk = encoder.tokenizer().tokenize(part);
                int[] len = tk.stream().mapToInt(TokenizedText::length).sorted().toArray();
                for (int st = 0; st < len.length; st += OnnxTextEncoder.DEFAULT_BATCH_SIZE) {
                    int end = Math.min(len.length, st + OnnxTextEncoder.DEFAULT_BATCH_SIZE);
                    flops += Flops.forward(bert, end - st, len[end - 1]);
                }
            }
            for (int r = 0; r < s.warmup() + s.reps(); r++) {
                long t0 = System.nanoTime();
                for (List<String> part : parts) {
                    encoder.encode(part, Progress.NONE);
                }
                if (r >= s.warmup()) {
                    pass.since(t0);
                }
            }
        }
        report.add(pass.build("fe10.backbone_pass", "one ORT embedding pass over train+val+test", "sentences", total, flops));
        pause();

        // The row measures epochs over cached features, so the head is gradient-trained for 10 epochs; the closed-form
        // head (feature extraction's default, one cross-validated solve) is timed beside it on the same cache.
        FeatureExtractionConfig cfg = FeatureExtractionConfig.defaults().withThreads(s.threads())
                .withCacheDir(s.workDir().resolve("fe10-cache"))
                .withTraining(TrainConfig.defaults().withEpochs(10).withPatience(0).withSeed(SEED));
        FeatureExtraction tenEpochs = new FeatureExtraction(cfg.withClosedFormHead(false));
        try (TrainingOutcome cold = tenEpochs.fit(spec, splits, Progress.NONE, List.of())) {
            report.detail("fe10", "cold_embed_seconds", cold.embedSeconds());
        }
        pause();
        int epochsRun = warmFits(tenEpochs, splits, parts.size(), "fe10.warm_10_epochs",
                "FeatureExtraction.fit, warm cache, 10 epochs (gradient head)");
        warmFits(new FeatureExtraction(cfg.withClosedFormHead(true)), splits, parts.size(), "fe10.warm_closed_form",
                "FeatureExtraction.fit, warm cache, closed-form head (the default)");
        report.detail("fe10", "epochs", epochsRun);
        report.detail("fe10", "examples", total);
        log.printf("[bench] feature extraction on a warm cache: 10 epochs %.2f s, closed-form head %.2f s; one backbone pass %.2f s%n",
                report.measurement("fe10.warm_10_epochs").medianSeconds(), report.measurement("fe10.warm_closed_form").medianSeconds(),
                report.measurement("fe10.backbone_pass").medianSeconds());
    }

    /** Times {@code fe.fit} on a warm cache as measurement {@code name}; returns the epochs the last fit ran. */
    private int warmFits(FeatureExtraction fe, DatasetSplits splits, int parts, String name, String what) throws IOException {
        Measurement.Builder warm = new Measurement.Builder();
        int epochsRun = 0;
        for (int r = 0; r < s.warmup() + s.reps(); r++) {
            long t0 = System.nanoTime();
            try (TrainingOutcome o = fe.fit(spec, splits, Progress.NONE, List.of())) {
                long t1 = System.nanoTime();
                if (o.cacheHits() < parts) {
                    throw new IllegalStateException("the embedding cache was not warm");
                }
                epochsRun = o.fit().history().size();
                if (r >= s.warmup()) {
                    warm.add((t1 - t0) / 1e9);
                }
            }
        }
        report.add(warm.build(name, what, "runs", 1, 0));
        return epochsRun;
    }

    // ---------------------------------------------------------------- 5. peak RSS

    private void peakRss() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-D")).toList();
        int steps = s.quick() ? 3 : 5;
        for (String config : List.of("head-only", "top-2", "full", "lora")) {
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(jvmArgs);
            cmd.add("-Dai.djl.pytorch.num_threads=" + s.threads());
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(RssProbe.class.getName());
            cmd.add(config);
            cmd.add(Integer.toString(steps));
            cmd.add(s.examplesDir().toAbsolutePath().toString());
            ChildProcess.Result r = runChild(cmd, RssProbe.PREFIX, 600);
            if (r.json() == null) {
                report.notAvailable("peak_rss." + config, "child JVM failed: " + r.tail());
                log.println("[bench] peak RSS " + config + " failed: " + r.tail());
                continue;
            }
            BenchReport.PeakRss p = new BenchReport.PeakRss(config, r.json().path("trainable").asLong(), r.json().path("total").asLong(),
                    r.json().path("steps").asInt(), r.json().path("after_load_mib").asDouble(), r.json().path("peak_mib").asDouble());
            report.peak(p);
            log.printf("[bench] %s: %,d trainable parameters, peak RSS %.0f MiB%n", config, p.trainableParams(), p.peakMib());
        }
    }

    // ---------------------------------------------------------------- helpers

    private ChildProcess.Result runChild(List<String> cmd, String prefix, int timeoutSeconds) {
        String t = Integer.toString(s.threads());
        return ChildProcess.run(cmd, Map.of("OMP_NUM_THREADS", t, "MKL_NUM_THREADS", t, "OPENBLAS_NUM_THREADS", t), prefix,
                timeoutSeconds);
    }

    private void lengthStats(String key, int[] lengths) {
        int[] l = lengths.clone();
        Arrays.sort(l);
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("texts", l.length);
        m.put("mean", Arrays.stream(l).average().orElse(0));
        m.put("p50", l[l.length / 2]);
        m.put("p90", l[(int) Math.min(l.length - 1, Math.floor(l.length * 0.9))]);
        m.put("max", l[l.length - 1]);
        report.detail("token_lengths", key, m);
    }

    private final long started = System.nanoTime();

    private void section(String title) {
        log.printf("[bench] %6.1fs  %s%n", (System.nanoTime() - started) / 1e9, title);
    }

    private static void pause() {
        try {
            Thread.sleep(ENGINE_SWITCH_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
