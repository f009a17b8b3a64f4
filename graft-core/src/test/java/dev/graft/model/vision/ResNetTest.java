package dev.graft.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.model.bert.WeightLoadException;
import dev.graft.model.head.ClassifierHead;
import dev.graft.model.head.HeadConfig;
import dev.graft.tensor.TensorData;
import dev.graft.tensor.safetensors.SafeTensors;
import dev.graft.training.BatchSource;
import dev.graft.training.FreezeSchedule;
import dev.graft.training.Learner;
import dev.graft.training.LrSchedule;
import dev.graft.training.TrainConfig;
import dev.graft.training.TrainingPlan;
import dev.graft.training.optim.OptimizerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ResNets load torchvision-named safetensors checkpoints and compute what a plain-Java reference
 * computes from the same tensors; frozen blocks keep their BatchNorm statistics while trainable
 * blocks update theirs.
 */
class ResNetTest {

    @TempDir
    Path tmp;

    /** A random checkpoint in torchvision's layout (with fc and num_batches_tracked, which are ignored). */
    static Map<String, TensorData> randomCheckpoint(ResNetSpec spec, long seed) {
        ResNet shape = new ResNet(spec);
        Random r = new Random(seed);
        Map<String, TensorData> m = new LinkedHashMap<>();
        try (NDManager nd = NDManager.newBaseManager()) {
            shape.initialize(nd);
            Map<String, Parameter> all = new LinkedHashMap<>(shape.namedParameters());
            all.putAll(shape.namedBuffers());
            for (Map.Entry<String, Parameter> e : all.entrySet()) {
                long[] s = e.getValue().getArray().getShape().getShape();
                float[] v = new float[(int) TensorData.elementCount(s)];
                String n = e.getKey();
                for (int i = 0; i < v.length; i++) {
                    v[i] = n.endsWith("running_var") ? 0.5f + r.nextFloat() : n.endsWith("bn1.weight") || n.endsWith("bn2.weight")
                            || n.endsWith("bn3.weight") || n.endsWith("1.weight") && n.contains("downsample") ? 0.5f + r.nextFloat()
                            : (float) (r.nextGaussian() * (n.endsWith("conv1.weight") || n.contains("conv") ? 0.3 : 0.1));
                }
                m.put(n, new TensorData(n, s, v));
                if (n.endsWith("running_var")) {
                    String t = n.replace("running_var", "num_batches_tracked");
                    m.put(t, new TensorData(t, new long[0], new float[] {10}));
                }
            }
        }
        m.put("fc.weight", new TensorData("fc.weight", new long[] {5, spec.featureDim()}, new float[5 * spec.featureDim()]));
        m.put("fc.bias", new TensorData("fc.bias", new long[] {5}, new float[5]));
        return m;
    }

    @Test
    void resnet18AndBottleneckMatchAPlainJavaReference() throws Exception {
        for (ResNetSpec spec : List.of(ResNetSpec.resnet18().withWidth(4), ResNetSpec.resnet50().withWidth(2))) {
            Map<String, TensorData> ckpt = randomCheckpoint(spec, 7);
            Path file = tmp.resolve(spec.name() + ".safetensors");
            SafeTensors.write(file, ckpt.values(), Map.of("format", "pt"));
            Random r = new Random(3);
            int n = 2;
            int hw = 40;
            float[] x = new float[n * 3 * hw * hw];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            try (NDManager m = NDManager.newBaseManager()) {
                ResNet net = VisionBackbones.resNetFromSafetensors(file, spec, m);
                float[] djl = net.features(new ParameterStore(m, false), m.create(x, new Shape(n, 3, hw, hw)), false).toFloatArray();
                float[] ref = Reference.resnet(ckpt, spec, x, n, hw);
                assertEquals(ref.length, djl.length);
                double max = 0;
                for (int i = 0; i < ref.length; i++) {
                    max = Math.max(max, Math.abs(ref[i] - djl[i]) / (1 + Math.abs(ref[i])));
                }
                System.out.printf("%s (width %d) DJL vs Java reference: max rel diff %.3g%n", spec.name(), spec.width(), max);
                assertTrue(max < 1e-4, spec.name() + ": max relative difference " + max);
            }
        }
    }

    @Test
    void checkpointWithWrongShapesOrMissingTensorsIsRefusedWithAReport() throws Exception {
        ResNetSpec spec = ResNetSpec.resnet18().withWidth(4);
        Map<String, TensorData> ckpt = randomCheckpoint(spec, 1);
        ckpt.remove("layer1.0.conv1.weight");
        Path file = tmp.resolve("bad.safetensors");
        SafeTensors.write(file, ckpt.values(), Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            WeightLoadException e = assertThrows(WeightLoadException.class, () -> VisionBackbones.resNetFromSafetensors(file, spec, m));
            assertTrue(e.getMessage().contains("layer1.0.conv1.weight"), e.getMessage());
        }
    }

    @Test
    void frozenBlocksKeepBatchNormStatisticsTrainableBlocksUpdateThem() throws Exception {
        ResNetSpec spec = ResNetSpec.resnet18().withWidth(4);
        Path file = tmp.resolve("r.safetensors");
        SafeTensors.write(file, randomCheckpoint(spec, 5).values(), Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet net = VisionBackbones.resNetFromSafetensors(file, spec, m);
            ClassifierHead head = new ClassifierHead(new HeadConfig(net.featureDim(), 2, 0, 0));
            head.initialize(m);
            ImageClassifierModel model = new ImageClassifierModel(net, head);
            assertEquals(List.of("stem", "layer1", "layer2", "layer3", "layer4", "head"),
                    model.layerGroups().stream().map(dev.graft.model.LayerGroup::name).toList());
            Map<String, float[]> before = buffers(model);
            TrainConfig tc = TrainConfig.defaults().withEpochs(2).withBatchSize(4).withLearningRate(0.01).withPatience(0)
                    .withSchedule(LrSchedule.constant());
            TrainingPlan plan = new TrainingPlan(OptimizerSpec.sgd(), FreezeSchedule.top(1), null, 0, false);
            new Learner(model, model, tc, plan, List.of()).fit(randomImages(12, 1), randomImages(4, 2));
            Map<String, float[]> after = buffers(model);
            int frozenChecked = 0;
            int trainableChanged = 0;
            for (String n : before.keySet()) {
                if (n.startsWith("backbone.layer4")) {
                    if (!java.util.Arrays.equals(before.get(n), after.get(n))) {
                        trainableChanged++;
                    }
                } else {
                    assertArrayEquals(before.get(n), after.get(n), n + " changed although its block is frozen");
                    frozenChecked++;
                }
            }
            assertTrue(frozenChecked >= 16, "checked " + frozenChecked);
            assertTrue(trainableChanged > 0, "the trainable block's BatchNorm statistics never moved");
            // the frozen layers' weights did not move either, and their BatchNorm reports inference mode
            assertFalse(((BatchNorm2d) net.modules().get(1).getValue()).updatesStatistics());
        }
    }

    private static Map<String, float[]> buffers(ImageClassifierModel model) {
        Map<String, float[]> m = new LinkedHashMap<>();
        model.namedBuffers().forEach((n, p) -> m.put(n, p.getArray().toFloatArray()));
        return m;
    }

    private static BatchSource randomImages(int count, long seed) {
        return LabelledNoiseImages.of(count, 32, seed);
    }

    /** Plain-Java ResNet forward (inference mode) straight from the checkpoint tensors. */
    static final class Reference extends CnnReference {
        static float[] resnet(Map<String, TensorData> w, ResNetSpec spec, float[] x, int n, int hw) {
            float[] out = new float[n * spec.featureDim()];
            for (int b = 0; b < n; b++) {
                T t = new T(3, hw, hw, java.util.Arrays.copyOfRange(x, b * 3 * hw * hw, (b + 1) * 3 * hw * hw));
                t = relu(bn(conv(t, w.get("conv1.weight"), null, 2, 3, 1), w, "bn1"));
                t = maxPool(t);
                int in = spec.width();
                for (int s = 0; s < 4; s++) {
                    for (int k = 0; k < spec.layers().get(s); k++) {
                        String p = "layer" + (s + 1) + "." + k + ".";
                        int stride = k == 0 && s > 0 ? 2 : 1;
                        T y;
                        if (spec.bottleneck()) {
                            y = relu(bn(conv(t, w.get(p + "conv1.weight"), null, 1, 0, 1), w, p + "bn1"));
                            y = relu(bn(conv(y, w.get(p + "conv2.weight"), null, stride, 1, 1), w, p + "bn2"));
                            y = bn(conv(y, w.get(p + "conv3.weight"), null, 1, 0, 1), w, p + "bn3");
                        } else {
                            y = relu(bn(conv(t, w.get(p + "conv1.weight"), null, stride, 1, 1), w, p + "bn1"));
                            y = bn(conv(y, w.get(p + "conv2.weight"), null, 1, 1, 1), w, p + "bn2");
                        }
                        T sc = w.containsKey(p + "downsample.0.weight")
                                ? bn(conv(t, w.get(p + "downsample.0.weight"), null, stride, 0, 1), w, p + "downsample.1") : t;
                        for (int i = 0; i < y.v().length; i++) {
                            y.v()[i] = Math.max(0, y.v()[i] + sc.v()[i]);
                        }
                        t = y;
                        in = spec.stageOut(s);
                    }
                }
                for (int c = 0; c < t.c(); c++) {
                    double sum = 0;
                    for (int i = 0; i < t.h() * t.w(); i++) {
                        sum += t.v()[c * t.h() * t.w() + i];
                    }
                    out[b * spec.featureDim() + c] = (float) (sum / (t.h() * t.w()));
                }
                assertEquals(spec.featureDim(), in);
            }
            return out;
        }

        static T relu(T x) {
            float[] o = x.v().clone();
            for (int i = 0; i < o.length; i++) {
                o[i] = Math.max(0, o[i]);
            }
            return new T(x.c(), x.h(), x.w(), o);
        }

        static T maxPool(T x) {
            int oh = (x.h() + 2 - 3) / 2 + 1;
            int ow = (x.w() + 2 - 3) / 2 + 1;
            float[] o = new float[x.c() * oh * ow];
            for (int c = 0; c < x.c(); c++) {
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        float best = Float.NEGATIVE_INFINITY;
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = y * 2 - 1 + ky;
                                int ix = xx * 2 - 1 + kx;
                                if (iy >= 0 && iy < x.h() && ix >= 0 && ix < x.w()) {
                                    best = Math.max(best, x.v()[(c * x.h() + iy) * x.w() + ix]);
                                }
                            }
                        }
                        o[(c * oh + y) * ow + xx] = best;
                    }
                }
            }
            return new T(x.c(), oh, ow, o);
        }
    }
}
