package dev.graft.model.vision;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Learner;
import dev.graft.training.optim.GroupedOptimizer;
import dev.graft.training.optim.OptimizerSpec;
import dev.graft.training.optim.ParamGroup;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Not part of the test run (its name does not match surefire's patterns): a throughput measurement, run with
 * {@code mvn -o -q -pl graft-core test -Dtest=MobileNetV2Throughput -Dgraft.bench=true}.
 *
 * Throughput of MobileNetV2 at 224×224: frozen forward on ONNX Runtime and on DJL/libtorch, and a
 * full fine-tuning step (forward, backward, SGD) on DJL. Run with {@code -Dgraft.bench=true}
 * (skipped otherwise, and without {@code ../shared}); threads from {@code graft.bench.threads} (2).
 */
class MobileNetV2Throughput {

    @Test
    void imagesPerSecond() throws Exception {
        assumeTrue(Boolean.getBoolean("graft.bench"), "benchmark: run with -Dgraft.bench=true");
        Path onnx = SharedModels.mobileNetOnnx().orElse(null);
        assumeTrue(onnx != null, "../shared not present");
        int threads = Integer.getInteger("graft.bench.threads", 2);
        int batch = 16;
        int iters = 4;
        float[] x = new float[batch * 3 * 224 * 224];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double ortRate;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            try (OrtSession s = env.createSession(onnx.toString(), o);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 3, 224, 224})) {
                s.run(java.util.Map.of("input", in)).close();
                long t0 = System.nanoTime();
                for (int i = 0; i < iters; i++) {
                    s.run(java.util.Map.of("input", in)).close();
                }
                ortRate = batch * iters / ((System.nanoTime() - t0) / 1e9);
            }
        }
        double djlRate;
        double stepRate;
        double stepMs;
        try (NDManager m = NDManager.newBaseManager()) {
            MobileNetV2 net = VisionBackbones.mobileNetV2FromOnnx(onnx, m);
            NDArray in = m.create(x, new Shape(batch, 3, 224, 224));
            try (NDManager s = m.newSubManager()) {
                net.features(new ParameterStore(s, false), in, false);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                try (NDManager s = m.newSubManager()) {
                    net.features(new ParameterStore(s, false), in, false).toFloatArray();
                }
            }
            djlRate = batch * iters / ((System.nanoTime() - t0) / 1e9);

            ClassifierHead head = new ClassifierHead(new HeadConfig(1280, 10, 0, 0.1));
            head.initialize(m);
            ImageClassifierModel model = new ImageClassifierModel(net, head);
            var params = model.namedParameters();
            GroupedOptimizer opt = OptimizerSpec.sgd().build(params, ParamGroup.withDecayRule("all", List.copyOf(params.keySet()), 1, 1e-4), m);
            long[] labels = new long[batch];
            int steps = 3;
            long t1 = 0;
            for (int i = 0; i <= steps; i++) {
                if (i == 1) {
                    t1 = System.nanoTime();
                }
                try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.forward(new ParameterStore(s, false), new NDList(in), true).singletonOrThrow();
                    NDArray loss = Learner.crossEntropy(logits, s.create(labels));
                    gc.backward(loss);
                }
                opt.step(1e-3);
            }
            stepMs = (System.nanoTime() - t1) / 1e6 / steps;
            stepRate = batch / (stepMs / 1000);
        }
        System.out.printf(Locale.ROOT, "MobileNetV2 224x224, batch %d, %d threads: frozen forward ORT %.1f img/s, DJL %.1f img/s;"
                + " fine-tune step (all layers, SGD) %.0f ms = %.1f img/s%n", batch, threads, ortRate, djlRate, stepMs, stepRate);
        FreezeSchedule.all();
    }
}
