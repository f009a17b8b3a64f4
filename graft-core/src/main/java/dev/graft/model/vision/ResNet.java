package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet with torchvision's parameter names ({@code conv1}, {@code bn1}, {@code layer1.0.conv1},
 * {@code layer2.0.downsample.0/1}, ...; timm uses the same names), loadable from a torchvision or
 * timm safetensors checkpoint (its {@code fc} and {@code num_batches_tracked} entries are ignored).
 * Layer groups: the stem ({@code conv1}, {@code bn1}) and {@code layer1..layer4}. As a {@link MultiScaleEncoder}: the
 * stem's activation (stride 2) and the output of each of {@code layer1..layer4} (strides 4–32).
 */
public final class ResNet extends VisionModule implements MultiScaleEncoder {

    private final ResNetSpec spec;
    private final Conv2dLayer conv1;
    private final BatchNorm2d bn1;
    private final List<List<Residual>> stages = new ArrayList<>();

    /** An uninitialised ResNet of this architecture. */
    public ResNet(ResNetSpec spec) {
        this.spec = spec;
        this.conv1 = module("conv1", new Conv2dLayer(3, spec.width(), 7, 2, 3, 1, false));
        this.bn1 = module("bn1", new BatchNorm2d(spec.width()));
        int in = spec.width();
        for (int s = 0; s < 4; s++) {
            List<Residual> blocks = new ArrayList<>();
            int mid = spec.width() * (1 << s);
            int out = spec.stageOut(s);
            for (int b = 0; b < spec.layers().get(s); b++) {
                int stride = b == 0 && s > 0 ? 2 : 1;
                Residual r = spec.bottleneck() ? new Residual(in, mid, out, stride, true) : new Residual(in, mid, out, stride, false);
                blocks.add(module("layer" + (s + 1) + "." + b, r));
                in = out;
            }
            stages.add(blocks);
        }
    }

    @Override
    public ResNetSpec spec() {
        return spec;
    }

    @Override
    public String architecture() {
        return spec.name();
    }

    @Override
    public int featureDim() {
        return spec.featureDim();
    }

    @Override
    public NDArray features(ParameterStore ps, NDArray images, boolean training) {
        List<NDArray> maps = featureMaps(ps, images, training);
        return globalAveragePool(maps.get(maps.size() - 1));
    }

    /** The stem's activation (stride 2, before max pooling) and the output of {@code layer1..layer4} (strides 4–32). */
    @Override
    public List<NDArray> featureMaps(ParameterStore ps, NDArray images, boolean training) {
        List<NDArray> maps = new ArrayList<>();
        NDArray x = bn1.apply(ps, conv1.apply(ps, images, training), training).clip(0, Float.MAX_VALUE);
        maps.add(x);
        x = maxPool3x3s2(x);
        for (List<Residual> stage : stages) {
            for (Residual r : stage) {
                x = r.apply(ps, x, training);
            }
            maps.add(x);
        }
        return maps;
    }

    @Override
    public List<Integer> featureMapChannels() {
        List<Integer> channels = new ArrayList<>();
        channels.add(spec.width());
        for (int s = 0; s < stages.size(); s++) {
            channels.add(spec.stageOut(s));
        }
        return channels;
    }

    /** None: the pooled features are the deepest map's average. */
    @Override
    public List<String> poolingOnlyPrefixes() {
        return List.of();
    }

    /** Max pooling, kernel 3, stride 2, padding 1 (padding never wins: inputs follow a ReLU). */
    static NDArray maxPool3x3s2(NDArray x) {
        return ai.djl.nn.pooling.Pool.maxPool2d(x, new ai.djl.ndarray.types.Shape(3, 3), new ai.djl.ndarray.types.Shape(2, 2),
                new ai.djl.ndarray.types.Shape(1, 1), false);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(features(ps, inputs.head(), training));
    }

    @Override
    public List<LayerGroup> layerGroups() {
        List<LayerGroup> groups = new ArrayList<>();
        List<String> stem = new ArrayList<>();
        List<List<String>> layers = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            layers.add(new ArrayList<>());
        }
        for (String n : namedParameters().keySet()) {
            if (n.startsWith("layer")) {
                layers.get(n.charAt(5) - '1').add(n);
            } else {
                stem.add(n);
            }
        }
        groups.add(new LayerGroup("stem", stem, false));
        for (int s = 0; s < 4; s++) {
            groups.add(new LayerGroup("layer" + (s + 1), layers.get(s), false));
        }
        return groups;
    }

    /** A basic (two 3×3) or bottleneck (1×1, 3×3, 1×1) residual block with an optional projection shortcut. */
    static final class Residual extends VisionModule {
        private final boolean bottleneck;
        private final Conv2dLayer c1;
        private final BatchNorm2d b1;
        private final Conv2dLayer c2;
        private final BatchNorm2d b2;
        private final Conv2dLayer c3;
        private final BatchNorm2d b3;
        private final Downsample downsample;

        Residual(int in, int mid, int out, int stride, boolean bottleneck) {
            this.bottleneck = bottleneck;
            if (bottleneck) {
                c1 = module("conv1", new Conv2dLayer(in, mid, 1, 1, 0, 1, false));
                b1 = module("bn1", new BatchNorm2d(mid));
                c2 = module("conv2", new Conv2dLayer(mid, mid, 3, stride, 1, 1, false));
                b2 = module("bn2", new BatchNorm2d(mid));
                c3 = module("conv3", new Conv2dLayer(mid, out, 1, 1, 0, 1, false));
                b3 = module("bn3", new BatchNorm2d(out));
            } else {
                c1 = module("conv1", new Conv2dLayer(in, out, 3, stride, 1, 1, false));
                b1 = module("bn1", new BatchNorm2d(out));
                c2 = module("conv2", new Conv2dLayer(out, out, 3, 1, 1, 1, false));
                b2 = module("bn2", new BatchNorm2d(out));
                c3 = null;
                b3 = null;
            }
            downsample = stride != 1 || in != out ? module("downsample", new Downsample(in, out, stride)) : null;
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = relu(b1.apply(ps, c1.apply(ps, x, training), training));
            y = b2.apply(ps, c2.apply(ps, y, training), training);
            if (bottleneck) {
                y = b3.apply(ps, c3.apply(ps, relu(y), training), training);
            }
            NDArray shortcut = downsample == null ? x : downsample.apply(ps, x, training);
            return relu(y.add(shortcut));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, inputs.head(), training));
        }
    }

    /** The projection shortcut {@code downsample.0} (1×1 conv) and {@code downsample.1} (BatchNorm). */
    static final class Downsample extends VisionModule {
        private final Conv2dLayer conv;
        private final BatchNorm2d bn;

        Downsample(int in, int out, int stride) {
            conv = module("0", new Conv2dLayer(in, out, 1, stride, 0, 1, false));
            bn = module("1", new BatchNorm2d(out));
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            return bn.apply(ps, conv.apply(ps, x, training), training);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, inputs.head(), training));
        }
    }

    static NDArray relu(NDArray x) {
        return ai.djl.nn.Activation.relu(x);
    }

    /** Checkpoint entries a ResNet has no use for: the ImageNet {@code fc} and BatchNorm step counters. */
    public static boolean ignoredCheckpointEntry(String name) {
        return name.startsWith("fc.") || name.endsWith("num_batches_tracked");
    }

}
