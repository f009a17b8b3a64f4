package dev.graft.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.model.vision.ConvKernels;
import dev.graft.model.vision.ImageClassifierModel;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.OnnxFeatureExtractor;
import dev.graft.model.vision.VisionBackbones;
import dev.graft.training.BatchSource;
import dev.graft.training.DiscriminativeLr;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Learner;
import dev.graft.training.LrSchedule;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingPlan;
import dev.graft.training.optim.OptimizerSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Section 6 of {@code graft bench}: MobileNetV2 at 224×224 — images/s of the frozen forward pass on
 * ONNX Runtime and on DJL/libtorch (no grad), and of a fine-tune step (top 3 groups, SGD, batch 32)
 * through Graft's {@link Learner}, epochs taking turns between the kernels Graft fine-tunes with
 * ({@link ConvKernels#FUSED}), DJL's own ops ({@link ConvKernels#DJL}, Graft's kernels before) and bfloat16
 * ({@link ConvKernels#FUSED_BF16}, {@code --precision bf16}). Pixel
 * values are seeded random normalised images: the cost of these networks does not depend on the values.
 */
final class VisionBench {

    static final String ONNX = "models/mobilenetv2-12-dequantized-fp32.onnx";
    private static final int SIZE = 224;
    private static final int FORWARD_BATCH = 32;
    private static final int TRAIN_BATCH = 32;
    private static final int CLASSES = 10;
    private static final int PIXELS = 3 * SIZE * SIZE;

    private final BenchSettings s;
    private final BenchReport report;
    private final PrintStream log;

    VisionBench(BenchSettings s, BenchReport report, PrintStream log) {
        this.s = s;
        this.report = report;
        this.log = log;
    }

    void run() throws IOException {
        Path onnx = s.sharedDir() == null ? null : s.sharedDir().resolve(ONNX);
        if (onnx == null || !Files.isRegularFile(onnx)) {
            report.notAvailable("vision", "needs ../shared/" + ONNX + " (pass --shared DIR)");
            log.println("[bench] vision: skipped, " + ONNX + " not found");
            return;
        }
        int batches = s.quick() ? 2 : 6;
        float[] batch = images(FORWARD_BATCH, 1);
        Measurement.Builder ort = new Measurement.Builder();
        try (OnnxFeatureExtractor extractor = OnnxFeatureExtractor.open(onnx, s.threads())) {
            for (int r = 0; r < s.warmup() + s.reps(); r++) {
                long t0 = System.nanoTime();
                for (int b = 0; b < batches; b++) {
                    extractor.features(batch, FORWARD_BATCH, SIZE, SIZE);
                }
                if (r >= s.warmup()) {
                    ort.since(t0);
                }
            }
        }
        report.add(ort.build("vision.forward_ort", "MobileNetV2 frozen forward, ONNX Runtime, batch 32, 224px", "images",
                (double) batches * FORWARD_BATCH, 0));
        Measurement.Builder djl = new Measurement.Builder();
        try (NDManager manager = NDManager.newBaseManager()) {
            MobileNetV2 net = VisionBackbones.mobileNetV2FromOnnx(onnx, manager);
            for (int r = 0; r < s.warmup() + s.reps(); r++) {
                long t0 = System.nanoTime();
                for (int b = 0; b < batches; b++) {
                    try (NDManager step = manager.newSubManager()) {
                        NDArray x = step.create(batch, new Shape(FORWARD_BATCH, 3, SIZE, SIZE));
                        net.features(new ParameterStore(step, false), x, false).toFloatArray();
                    }
                }
                if (r >= s.warmup()) {
                    djl.since(t0);
                }
            }
            report.add(djl.build("vision.forward_djl", "MobileNetV2 frozen forward, DJL/libtorch no-grad, batch 32, 224px",
                    "images", (double) batches * FORWARD_BATCH, 0));
            fineTuneStep(net, manager);
        }
        log.printf("[bench] MobileNetV2 224px: ORT %.1f images/s, DJL %.1f images/s, fine-tune step (top 3, batch 32) %.1f images/s"
                        + " fused vs %.1f DJL ops, %.1f bf16%n",
                report.measurement("vision.forward_ort").throughput(), report.measurement("vision.forward_djl").throughput(),
                report.measurement("vision.finetune_top3").throughput(), report.measurement("vision.finetune_top3_djl").throughput(),
                report.measurement("vision.finetune_top3_bf16").throughput());
    }

    private void fineTuneStep(MobileNetV2 net, NDManager manager) {
        int steps = s.quick() ? 2 : 4;
        int pairs = s.warmup() + s.reps();
        ConvKernels[] turns = {ConvKernels.DJL, ConvKernels.FUSED, ConvKernels.FUSED_BF16};
        int epochs = turns.length * pairs;
        ClassifierHead head = new ClassifierHead(new HeadConfig(net.featureDim(), CLASSES, 0, 0.1));
        head.initialize(manager);
        ImageClassifierModel model = new ImageClassifierModel(net, head);
        RandomImages train = new RandomImages(steps * TRAIN_BATCH, 2);
        RandomImages val = new RandomImages(TRAIN_BATCH, 3);
        TrainConfig config = TrainConfig.defaults().withEpochs(epochs).withBatchSize(TRAIN_BATCH)
                .withLearningRate(1e-2).withPatience(0).withSchedule(LrSchedule.constant());
        TrainingPlan plan = new TrainingPlan(OptimizerSpec.sgd(), FreezeSchedule.top(3), new DiscriminativeLr(1e-2, 1e-3, 1.0, 0), 0,
                false);
        Benchmarks.StepClock clock = new Benchmarks.StepClock();
        // epochs take turns (ABCABC, so that load changes hit all alike)
        int[] epoch = {0};
        model.setKernels(turns[0]);
        clock.afterEpoch = () -> {
            epoch[0]++;
            model.setKernels(turns[epoch[0] % turns.length]);
        };
        new Learner(model, model, config, plan, List.of(clock)).fit(train, val);
        model.setKernels(ConvKernels.DJL);
        if (train.starts.size() != clock.ends.size() || clock.ends.size() != epochs * steps) {
            throw new IllegalStateException("step bookkeeping mismatch: " + train.starts.size() + " starts, " + clock.ends.size()
                    + " ends, expected " + epochs * steps);
        }
        Measurement.Builder[] byKernels = {new Measurement.Builder(), new Measurement.Builder(), new Measurement.Builder()};
        for (int e = turns.length * s.warmup(); e < epochs; e++) {
            double sum = 0;
            for (int k = e * steps; k < (e + 1) * steps; k++) {
                sum += (clock.ends.get(k) - train.starts.get(k)) / 1e9;
            }
            byKernels[e % turns.length].add(sum);
        }
        Measurement.Builder djl = byKernels[0];
        Measurement.Builder fused = byKernels[1];
        report.add(fused.build("vision.finetune_top3", "MobileNetV2 fine-tune step, top 3 groups, SGD, batch 32, 224px, "
                + "fused channels-last kernels (Graft's default)", "images", (double) steps * TRAIN_BATCH, 0));
        report.add(djl.build("vision.finetune_top3_djl", "the same step with DJL's conv2d and clip (NCHW), alternating",
                "images", (double) steps * TRAIN_BATCH, 0));
        report.add(byKernels[2].build("vision.finetune_top3_bf16", "the same step in bfloat16 (--precision bf16: each block's"
                + " convolutions in bf16, float32 weights and gradients), in turn", "images", (double) steps * TRAIN_BATCH, 0));
        report.detail("vision", "finetune_trainable_params", clock.trainable);
    }

    private static float[] images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * PIXELS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2); // roughly the range of ImageNet-normalised pixels
        }
        return x;
    }

    /** {@code n} seeded random images with labels {@code i mod 10}; records when each batch was asked for. */
    private static final class RandomImages implements BatchSource {
        private final float[] pixels;
        private final int[] labels;
        final List<Long> starts = new java.util.ArrayList<>();

        RandomImages(int n, long seed) {
            pixels = images(n, seed);
            labels = java.util.stream.IntStream.range(0, n).map(i -> i % CLASSES).toArray();
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public int[] labels() {
            return labels;
        }

        @Override
        public NDList inputs(NDManager manager, int[] indices) {
            starts.add(System.nanoTime());
            float[] x = new float[indices.length * PIXELS];
            for (int k = 0; k < indices.length; k++) {
                System.arraycopy(pixels, indices[k] * PIXELS, x, k * PIXELS, PIXELS);
            }
            return new NDList(manager.create(x, new Shape(indices.length, 3, SIZE, SIZE)));
        }
    }
}
