package dev.graft.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.model.LayerGroup;
import dev.graft.model.bert.WeightLoadException;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.training.BatchSource;
import dev.graft.training.FitResult;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Learner;
import dev.graft.training.LrSchedule;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingPlan;
import dev.graft.training.optim.OptimizerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EfficientNet loads random checkpoints in timm's and torchvision's layouts to the same network, computes what a
 * plain-Java MBConv reference computes from the checkpoint tensors, has B0's published size, and fine-tunes with frozen
 * BatchNorm statistics below the unfrozen stages.
 */
class EfficientNetTest {

    @TempDir
    Path tmp;

    /**
     * A reduced EfficientNet exercising every block kind: a residual block without expansion (stage 0), a strided
     * expanded block followed by a residual one (stage 1), a 5×5 block that changes width (stage 2).
     */
    static EfficientNetSpec tiny(double dropPath) {
        return new EfficientNetSpec("efficientnet-b0", 8, List.of(
                new EfficientNetSpec.Stage(1, 3, 1, 8, 1),
                new EfficientNetSpec.Stage(4, 3, 2, 8, 2),
                new EfficientNetSpec.Stage(3, 5, 2, 12, 1)), 16, 0.25, 1e-5f, dropPath);
    }

    /** Random tensors under timm's names, plus the classifier and BatchNorm counters a real checkpoint has. */
    static Map<String, TensorData> randomTimmCheckpoint(EfficientNetSpec spec, long seed) {
        Random r = new Random(seed);
        Map<String, TensorData> m = new LinkedHashMap<>();
        try (NDManager nd = NDManager.newBaseManager()) {
            EfficientNet shape = new EfficientNet(spec);
            shape.initialize(nd);
            Map<String, Parameter> all = new LinkedHashMap<>(shape.namedParameters());
            all.putAll(shape.namedBuffers());
            for (Map.Entry<String, Parameter> e : all.entrySet()) {
                String n = e.getKey();
                long[] s = e.getValue().getArray().getShape().getShape();
                float[] v = new float[(int) TensorData.elementCount(s)];
                boolean bn = n.matches(".*bn\\d\\.(weight|bias|running_mean|running_var)");
                for (int i = 0; i < v.length; i++) {
                    v[i] = n.endsWith("running_var") || bn && n.endsWith(".weight") ? 0.5f + r.nextFloat()
                            : bn ? (float) (r.nextGaussian() * 0.1) : (float) (r.nextGaussian() * 0.4);
                }
                m.put(n, new TensorData(n, s, v));
                if (n.endsWith("running_var")) {
                    String t = n.replace("running_var", "num_batches_tracked");
                    m.put(t, new TensorData(t, new long[0], new float[] {3}));
                }
            }
        }
        m.put("classifier.weight", new TensorData("classifier.weight", new long[] {5, spec.featureDim()}, new float[5 * spec.featureDim()]));
        m.put("classifier.bias", new TensorData("classifier.bias", new long[] {5}, new float[5]));
        return m;
    }

    /**
     * The same tensors under torchvision's names, written out from torchvision's module structure
     * ({@code features.i.j.block.k}, {@code Conv2dNormActivation} = {@code .0} conv and {@code .1} BatchNorm,
     * {@code SqueezeExcitation} = {@code fc1}/{@code fc2}), independently of the loader's name map.
     */
    static Map<String, TensorData> asTorchvision(Map<String, TensorData> timm, EfficientNetSpec spec) {
        Map<String, String> tvToTimm = new LinkedHashMap<>();
        List<String> bnFields = List.of("weight", "bias", "running_mean", "running_var");
        tvToTimm.put("features.0.0.weight", "conv_stem.weight");
        bnFields.forEach(f -> tvToTimm.put("features.0.1." + f, "bn1." + f));
        for (int s = 0; s < spec.stages().size(); s++) {
            EfficientNetSpec.Stage st = spec.stages().get(s);
            for (int b = 0; b < st.repeats(); b++) {
                String tv = "features." + (s + 1) + "." + b + ".block.";
                String tm = "blocks." + s + "." + b + ".";
                List<String[]> seq = new ArrayList<>(); // torchvision's nn.Sequential, in order
                if (st.expand() != 1) {
                    seq.add(new String[] {"conv_pw", "bn1"});
                    seq.add(new String[] {"conv_dw", "bn2"});
                    seq.add(null);
                    seq.add(new String[] {"conv_pwl", "bn3"});
                } else {
                    seq.add(new String[] {"conv_dw", "bn1"});
                    seq.add(null);
                    seq.add(new String[] {"conv_pw", "bn2"});
                }
                for (int k = 0; k < seq.size(); k++) {
                    String[] cb = seq.get(k);
                    if (cb == null) {
                        for (String wb : List.of("weight", "bias")) {
                            tvToTimm.put(tv + k + ".fc1." + wb, tm + "se.conv_reduce." + wb);
                            tvToTimm.put(tv + k + ".fc2." + wb, tm + "se.conv_expand." + wb);
                        }
                    } else {
                        tvToTimm.put(tv + k + ".0.weight", tm + cb[0] + ".weight");
                        for (String f : bnFields) {
                            tvToTimm.put(tv + k + ".1." + f, tm + cb[1] + "." + f);
                        }
                    }
                }
            }
        }
        int last = spec.stages().size() + 1;
        tvToTimm.put("features." + last + ".0.weight", "conv_head.weight");
        bnFields.forEach(f -> tvToTimm.put("features." + last + ".1." + f, "bn2." + f));
        Map<String, TensorData> out = new LinkedHashMap<>();
        tvToTimm.forEach((tv, tm) -> {
            TensorData t = timm.get(tm);
            assertTrue(t != null, "no timm tensor " + tm);
            out.put(tv, new TensorData(tv, t.shape(), t.data()));
        });
        assertEquals(timm.keySet().stream().filter(n -> !EfficientNet.ignoredCheckpointEntry(n)).count(), out.size(),
                "the torchvision layout covers every tensor");
        out.put("classifier.1.weight", new TensorData("classifier.1.weight", new long[] {5, spec.featureDim()}, new float[5 * spec.featureDim()]));
        out.put("classifier.1.bias", new TensorData("classifier.1.bias", new long[] {5}, new float[5]));
        out.put("features.0.1.num_batches_tracked", new TensorData("features.0.1.num_batches_tracked", new long[0], new float[] {3}));
        return out;
    }

    static float[] randomImages(int n, int hw, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 3 * hw * hw];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static float[] features(VisionBackbone net, float[] x, int n, int hw, NDManager m) {
        try (NDManager step = m.newSubManager()) {
            return net.features(new ParameterStore(step, false), step.create(x, new Shape(n, 3, hw, hw)), false).toFloatArray();
        }
    }

    @Test
    void timmAndTorchvisionCheckpointsMatchAPlainJavaReference() throws Exception {
        EfficientNetSpec spec = tiny(0.2);
        Map<String, TensorData> timm = randomTimmCheckpoint(spec, 11);
        Path timmFile = tmp.resolve("timm.safetensors");
        Path tvFile = tmp.resolve("tv.safetensors");
        SafeTensors.write(timmFile, timm.values(), Map.of("format", "pt"));
        SafeTensors.write(tvFile, asTorchvision(timm, spec).values(), Map.of("format", "pt"));
        int n = 2;
        int hw = 21; // odd: exercises padding at every stride-2 layer
        float[] x = randomImages(n, hw, 5);
        float[] ref = Reference.efficientNet(timm, spec, x, n, hw);
        try (NDManager m = NDManager.newBaseManager()) {
            EfficientNet fromTimm = VisionBackbones.efficientNetFromSafetensors(timmFile, spec, m);
            EfficientNet fromTv = VisionBackbones.efficientNetFromSafetensors(tvFile, spec, m);
            float[] a = features(fromTimm, x, n, hw, m);
            float[] b = features(fromTv, x, n, hw, m);
            assertEquals(n * spec.featureDim(), a.length);
            assertArrayEquals(a, b, 0f, "timm and torchvision layouts load the same network");
            double max = 0;
            for (int i = 0; i < ref.length; i++) {
                max = Math.max(max, Math.abs(ref[i] - a[i]) / (1 + Math.abs(ref[i])));
            }
            System.out.printf("EfficientNet (tiny) DJL vs Java reference: max rel diff %.3g%n", max);
            assertTrue(max < 1e-4, "max relative difference " + max);
            double largest = 0;
            for (float v : ref) {
                largest = Math.max(largest, Math.abs(v));
            }
            assertTrue(largest > 1e-3, "reference features are not all zero");
        }
    }

    @Test
    void b0HasThePublishedSizeAndLayerGroups() {
        try (NDManager m = NDManager.newBaseManager()) {
            EfficientNet b0 = new EfficientNet(EfficientNetSpec.b0());
            b0.initialize(m);
            long params = b0.namedParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            // timm efficientnet_b0: 5,288,548 parameters, of which the classifier is 1280·1000 + 1000
            assertEquals(5_288_548L - 1_281_000L, params);
            assertEquals(1280, b0.featureDim());
            assertEquals(16, EfficientNetSpec.b0().blockCount());
            assertEquals(List.of("stem", "blocks.0", "blocks.1", "blocks.2", "blocks.3", "blocks.4", "blocks.5", "blocks.6", "conv_head"),
                    b0.layerGroups().stream().map(LayerGroup::name).toList());
            assertEquals(b0.namedParameters().size(), b0.layerGroups().stream().mapToInt(g -> g.parameters().size()).sum());
            float[] f = features(b0, randomImages(1, 64, 1), 1, 64, m);
            assertEquals(1280, f.length);
        }
    }

    @Test
    void missingTensorsAndForeignCheckpointsAreRefusedWithTheirNames() throws Exception {
        EfficientNetSpec spec = tiny(0);
        Map<String, TensorData> tv = asTorchvision(randomTimmCheckpoint(spec, 2), spec);
        tv.remove("features.2.1.block.2.fc1.weight");
        Path file = tmp.resolve("bad.safetensors");
        SafeTensors.write(file, tv.values(), Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            WeightLoadException e = assertThrows(WeightLoadException.class, () -> VisionBackbones.efficientNetFromSafetensors(file, spec, m));
            assertTrue(e.getMessage().contains("blocks.1.1.se.conv_reduce.weight"), e.getMessage());
            Path resnet = tmp.resolve("resnet.safetensors");
            SafeTensors.write(resnet, ResNetTest.randomCheckpoint(ResNetSpec.resnet18().withWidth(2), 1).values(), Map.of());
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                    () -> VisionBackbones.efficientNetFromSafetensors(resnet, spec, m));
            assertTrue(f.getMessage().contains("not an EfficientNet checkpoint"), f.getMessage());
        }
    }

    @Test
    void savedBackboneDirectoryLoadsTheSameNetwork() throws Exception {
        EfficientNetSpec spec = tiny(0.2);
        Map<String, TensorData> timm = randomTimmCheckpoint(spec, 4);
        Path file = tmp.resolve("w.safetensors");
        SafeTensors.write(file, asTorchvision(timm, spec).values(), Map.of());
        float[] x = randomImages(1, 24, 9);
        try (NDManager m = NDManager.newBaseManager()) {
            EfficientNet net = VisionBackbones.efficientNetFromSafetensors(file, spec, m);
            Path dir = tmp.resolve("bb");
            java.nio.file.Files.createDirectories(dir);
            VisionBackbones.save(net, dir, Map.of("id", "b0-test"));
            assertTrue(VisionBackbones.isBackboneDirectory(dir));
            VisionBackbone again = VisionBackbones.load(dir, m);
            assertEquals(spec, again.spec());
            assertArrayEquals(features(net, x, 1, 24, m), features(again, x, 1, 24, m), 0f);
        }
    }

    @Test
    void fineTuningTrainsTheTopStageAndKeepsFrozenBatchNormStatistics() throws Exception {
        EfficientNetSpec spec = tiny(0.2);
        Path file = tmp.resolve("e.safetensors");
        SafeTensors.write(file, randomTimmCheckpoint(spec, 6).values(), Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            EfficientNet net = VisionBackbones.efficientNetFromSafetensors(file, spec, m);
            ClassifierHead head = new ClassifierHead(new HeadConfig(net.featureDim(), 2, 0, 0));
            head.initialize(m);
            ImageClassifierModel model = new ImageClassifierModel(net, head);
            Map<String, float[]> before = snapshot(model);
            TrainConfig tc = TrainConfig.defaults().withEpochs(1).withBatchSize(4).withLearningRate(0.01).withPatience(0)
                    .withSchedule(LrSchedule.constant());
            TrainingPlan plan = new TrainingPlan(OptimizerSpec.sgd(), FreezeSchedule.top(2), null, 0, false); // conv_head, blocks.2
            FitResult fit = new Learner(model, model, tc, plan, List.of()).fit(images(12, 1), images(4, 2));
            assertEquals(0, fit.skippedSteps(), "every step had finite gradients");
            assertTrue(fit.history().stream().allMatch(e -> Double.isFinite(e.trainLoss())));
            Map<String, float[]> after = snapshot(model);
            int frozen = 0;
            int moved = 0;
            for (String n : before.keySet()) {
                boolean trainable = n.startsWith("backbone.blocks.2.") || n.startsWith("backbone.conv_head.") || n.startsWith("backbone.bn2.");
                if (trainable) {
                    moved += Arrays.equals(before.get(n), after.get(n)) ? 0 : 1;
                } else if (n.startsWith("backbone.")) {
                    assertArrayEquals(before.get(n), after.get(n), n + " changed although its stage is frozen");
                    frozen++;
                }
            }
            assertTrue(frozen > 20, "checked " + frozen);
            assertTrue(moved > 5, "only " + moved + " trainable tensors moved");
            assertTrue(!Arrays.equals(before.get("backbone.bn2.running_mean"), after.get("backbone.bn2.running_mean")),
                    "the trainable head BatchNorm's statistics never moved");
            assertFalse(((BatchNorm2d) net.modules().get(1).getValue()).updatesStatistics(), "the stem BatchNorm is frozen");
        }
    }

    @Test
    void batchNormKeepsItsRunningStatisticsWhenToldEvenWhereItTrains() throws Exception {
        EfficientNetSpec spec = tiny(0);
        Path file = tmp.resolve("k.safetensors");
        SafeTensors.write(file, randomTimmCheckpoint(spec, 8).values(), Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            EfficientNet net = VisionBackbones.efficientNetFromSafetensors(file, spec, m);
            assertEquals(2 + 2 + 3 * 3, BatchNorm2d.keepRunningStatistics(net, true), "every BatchNorm is reached");
            ClassifierHead head = new ClassifierHead(new HeadConfig(net.featureDim(), 2, 0, 0));
            head.initialize(m);
            ImageClassifierModel model = new ImageClassifierModel(net, head);
            Map<String, float[]> before = snapshot(model);
            TrainConfig tc = TrainConfig.defaults().withEpochs(1).withBatchSize(4).withLearningRate(0.01).withPatience(0)
                    .withSchedule(LrSchedule.constant());
            TrainingPlan plan = new TrainingPlan(OptimizerSpec.sgd(), FreezeSchedule.all(), null, 0, false);
            new Learner(model, model, tc, plan, List.of()).fit(images(8, 3), images(4, 4));
            Map<String, float[]> after = snapshot(model);
            model.namedBuffers().keySet().forEach(n -> assertArrayEquals(before.get(n), after.get(n), n + " was updated"));
            assertFalse(Arrays.equals(before.get("backbone.bn1.weight"), after.get("backbone.bn1.weight")),
                    "the BatchNorm scale still trains");
        }
    }

    @Test
    void stochasticDepthDropsWholeSamplesInTrainingOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(3);
            float[] ones = new float[64 * 2];
            Arrays.fill(ones, 1f);
            float[] y = EfficientNet.MBConv.dropPath(m.create(ones, new Shape(64, 2, 1, 1)), 0.25).toFloatArray();
            int dropped = 0;
            for (int i = 0; i < 64; i++) {
                assertEquals(y[2 * i], y[2 * i + 1], "a sample is dropped or kept as a whole");
                if (y[2 * i] == 0f) {
                    dropped++;
                } else {
                    assertEquals(1f / 0.75f, y[2 * i], 1e-6f, "kept samples are scaled by 1/keep");
                }
            }
            assertTrue(dropped > 4 && dropped < 32, "dropped " + dropped + " of 64 at rate 0.25");
        }
    }

    private static Map<String, float[]> snapshot(ImageClassifierModel model) {
        Map<String, float[]> s = new LinkedHashMap<>();
        model.namedParameters().forEach((n, p) -> s.put(n, p.getArray().toFloatArray()));
        model.namedBuffers().forEach((n, p) -> s.put(n, p.getArray().toFloatArray()));
        return s;
    }

    private static BatchSource images(int count, long seed) {
        return LabelledNoiseImages.of(count, 24, seed);
    }

    /** Plain-Java EfficientNet forward (inference mode) straight from timm-named checkpoint tensors. */
    static final class Reference extends CnnReference {

        static float[] efficientNet(Map<String, TensorData> w, EfficientNetSpec spec, float[] x, int n, int hw) {
            int d = spec.featureDim();
            float[] out = new float[n * d];
            for (int b = 0; b < n; b++) {
                T t = new T(3, hw, hw, Arrays.copyOfRange(x, b * 3 * hw * hw, (b + 1) * 3 * hw * hw));
                t = silu(bn(conv(t, w.get("conv_stem.weight"), null, 2, 1, 1), w, "bn1"));
                for (int s = 0; s < spec.stages().size(); s++) {
                    EfficientNetSpec.Stage st = spec.stages().get(s);
                    for (int k = 0; k < st.repeats(); k++) {
                        String p = "blocks." + s + "." + k + ".";
                        int stride = k == 0 ? st.stride() : 1;
                        int pad = st.kernel() / 2;
                        T y;
                        if (st.expand() != 1) {
                            y = silu(bn(conv(t, w.get(p + "conv_pw.weight"), null, 1, 0, 1), w, p + "bn1"));
                            y = silu(bn(conv(y, w.get(p + "conv_dw.weight"), null, stride, pad, y.c()), w, p + "bn2"));
                            y = se(y, w, p + "se.");
                            y = bn(conv(y, w.get(p + "conv_pwl.weight"), null, 1, 0, 1), w, p + "bn3");
                        } else {
                            y = silu(bn(conv(t, w.get(p + "conv_dw.weight"), null, stride, pad, t.c()), w, p + "bn1"));
                            y = se(y, w, p + "se.");
                            y = bn(conv(y, w.get(p + "conv_pw.weight"), null, 1, 0, 1), w, p + "bn2");
                        }
                        if (stride == 1 && t.c() == y.c()) {
                            for (int i = 0; i < y.v().length; i++) {
                                y.v()[i] += t.v()[i];
                            }
                        }
                        t = y;
                    }
                }
                t = silu(bn(conv(t, w.get("conv_head.weight"), null, 1, 0, 1), w, "bn2"));
                float[] pooled = pool(t);
                System.arraycopy(pooled, 0, out, b * d, d);
            }
            return out;
        }

        static float[] pool(T t) {
            float[] o = new float[t.c()];
            for (int c = 0; c < t.c(); c++) {
                double sum = 0;
                for (int i = 0; i < t.h() * t.w(); i++) {
                    sum += t.v()[c * t.h() * t.w() + i];
                }
                o[c] = (float) (sum / (t.h() * t.w()));
            }
            return o;
        }

        static T se(T x, Map<String, TensorData> w, String p) {
            T pooled = new T(x.c(), 1, 1, pool(x));
            T r = silu(conv(pooled, w.get(p + "conv_reduce.weight"), w.get(p + "conv_reduce.bias"), 1, 0, 1));
            T g = conv(r, w.get(p + "conv_expand.weight"), w.get(p + "conv_expand.bias"), 1, 0, 1);
            float[] o = x.v().clone();
            int hw = x.h() * x.w();
            for (int c = 0; c < x.c(); c++) {
                double gate = 1 / (1 + Math.exp(-g.v()[c]));
                for (int i = 0; i < hw; i++) {
                    o[c * hw + i] = (float) (o[c * hw + i] * gate);
                }
            }
            return new T(x.c(), x.h(), x.w(), o);
        }

        static T silu(T x) {
            float[] o = x.v().clone();
            for (int i = 0; i < o.length; i++) {
                o[i] = (float) (o[i] / (1 + Math.exp(-o[i])));
            }
            return new T(x.c(), x.h(), x.w(), o);
        }
    }
}
