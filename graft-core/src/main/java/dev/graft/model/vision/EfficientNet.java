package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import dev.graft.model.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * EfficientNet built from an {@link EfficientNetSpec}, with timm's parameter names: {@code conv_stem}, {@code bn1},
 * {@code blocks.{stage}.{block}.{conv_pw, bn1, conv_dw, bn2, se.conv_reduce, se.conv_expand, conv_pwl, bn3}}
 * (a stage without expansion: {@code conv_dw, bn1, se, conv_pw, bn2}), {@code conv_head}, {@code bn2}, then global
 * average pooling. torchvision checkpoints are renamed to these by {@link EfficientNetWeights}.
 *
 * <p>Every block is an MBConv: optional 1×1 expansion, k×k depthwise convolution, squeeze-excitation, 1×1 linear
 * projection, each convolution followed by BatchNorm (SiLU after all but the projection), and the input added back
 * when shape allows. In training the residual branch is dropped per sample with the spec's stochastic-depth rate
 * (scaled by {@code 1/keep}); at inference it never is. Layer groups: {@code stem}, one per stage
 * ({@code blocks.0} ... ), {@code conv_head}. As a {@link MultiScaleEncoder}: the output of the last block before each
 * stride-2 block, and of the last block (strides 2–32; B0: 16, 24, 40, 112 and 320 channels, as timm's
 * {@code features_only}); {@code conv_head} and {@code bn2} serve the pooled features only.
 */
public final class EfficientNet extends VisionModule implements MultiScaleEncoder {

    private final EfficientNetSpec spec;
    private final Conv2dLayer convStem;
    private final BatchNorm2d bn1;
    private final List<MBConv> blocks = new ArrayList<>();
    private final List<Integer> blockStrides = new ArrayList<>();
    private final List<Integer> blockOut = new ArrayList<>();
    private final Conv2dLayer convHead;
    private final BatchNorm2d bn2;

    /** An uninitialised network of this architecture. */
    public EfficientNet(EfficientNetSpec spec) {
        this.spec = spec;
        this.convStem = module("conv_stem", new Conv2dLayer(3, spec.stemOut(), 3, 2, 1, 1, false));
        this.bn1 = module("bn1", new BatchNorm2d(spec.stemOut(), spec.bnEps(), 0.1f));
        int in = spec.stemOut();
        int index = 0;
        int total = spec.blockCount();
        for (int s = 0; s < spec.stages().size(); s++) {
            EfficientNetSpec.Stage st = spec.stages().get(s);
            for (int b = 0; b < st.repeats(); b++) {
                int stride = b == 0 ? st.stride() : 1;
                double drop = spec.dropPathRate() * index / total;
                blocks.add(module("blocks." + s + "." + b, new MBConv(in, st.out(), st.expand(), st.kernel(), stride,
                        seChannels(in, spec.seRatio()), spec.bnEps(), drop)));
                blockStrides.add(stride);
                blockOut.add(st.out());
                in = st.out();
                index++;
            }
        }
        this.convHead = module("conv_head", new Conv2dLayer(in, spec.headOut(), 1, 1, 0, 1, false));
        this.bn2 = module("bn2", new BatchNorm2d(spec.headOut(), spec.bnEps(), 0.1f));
    }

    /** Squeeze-excitation width: {@code max(1, round(in·ratio))} (timm and torchvision agree for B0). */
    static int seChannels(int in, double ratio) {
        return ratio <= 0 ? 0 : Math.max(1, (int) Math.round(in * ratio));
    }

    @Override
    public EfficientNetSpec spec() {
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
        NDArray x = silu(bn2.apply(ps, convHead.apply(ps, maps.get(maps.size() - 1), training), training));
        return globalAveragePool(x);
    }

    /** The output of the last block before each stride-2 block, and of the last block (strides 2–32). */
    @Override
    public List<NDArray> featureMaps(ParameterStore ps, NDArray images, boolean training) {
        List<NDArray> maps = new ArrayList<>();
        NDArray x = silu(bn1.apply(ps, convStem.apply(ps, images, training), training));
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).apply(ps, x, training);
            if (endsResolution(i)) {
                maps.add(x);
            }
        }
        return maps;
    }

    @Override
    public List<Integer> featureMapChannels() {
        List<Integer> channels = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            if (endsResolution(i)) {
                channels.add(blockOut.get(i));
            }
        }
        return channels;
    }

    /** Whether block {@code i} is the last one at its resolution (the next one has stride 2, or there is none). */
    private boolean endsResolution(int i) {
        return i == blocks.size() - 1 || blockStrides.get(i + 1) > 1;
    }

    /** {@code conv_head} and the BatchNorm after it ({@code bn2}). */
    @Override
    public List<String> poolingOnlyPrefixes() {
        return List.of("conv_head.", "bn2.");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(features(ps, inputs.head(), training));
    }

    @Override
    public List<LayerGroup> layerGroups() {
        List<String> stem = new ArrayList<>();
        List<String> head = new ArrayList<>();
        List<List<String>> stages = new ArrayList<>();
        for (int s = 0; s < spec.stages().size(); s++) {
            stages.add(new ArrayList<>());
        }
        for (String n : namedParameters().keySet()) {
            if (n.startsWith("blocks.")) {
                stages.get(Integer.parseInt(n.substring(7, n.indexOf('.', 7)))).add(n);
            } else if (n.startsWith("conv_head.") || n.startsWith("bn2.")) {
                head.add(n);
            } else {
                stem.add(n);
            }
        }
        List<LayerGroup> groups = new ArrayList<>();
        groups.add(new LayerGroup("stem", stem, false));
        for (int s = 0; s < stages.size(); s++) {
            groups.add(new LayerGroup("blocks." + s, stages.get(s), false));
        }
        groups.add(new LayerGroup("conv_head", head, false));
        return groups;
    }

    /** {@code x·sigmoid(x)} (SiLU, "swish"). */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** Checkpoint entries EfficientNet has no use for: the ImageNet classifier and BatchNorm step counters. */
    public static boolean ignoredCheckpointEntry(String name) {
        return name.startsWith("classifier.") || name.endsWith("num_batches_tracked");
    }

    /** One MBConv block (or, without expansion, timm's depthwise-separable block). */
    static final class MBConv extends VisionModule {
        private final boolean expanded;
        private final Conv2dLayer convPw;
        private final BatchNorm2d bnPw;
        private final Conv2dLayer convDw;
        private final BatchNorm2d bnDw;
        private final SqueezeExcite se;
        private final Conv2dLayer convPwl;
        private final BatchNorm2d bnPwl;
        private final boolean residual;
        private final double dropPath;

        MBConv(int in, int out, int expand, int kernel, int stride, int seChannels, float eps, double dropPath) {
            this.expanded = expand != 1;
            int mid = in * expand;
            if (expanded) {
                convPw = module("conv_pw", new Conv2dLayer(in, mid, 1, 1, 0, 1, false));
                bnPw = module("bn1", new BatchNorm2d(mid, eps, 0.1f));
                convDw = module("conv_dw", new Conv2dLayer(mid, mid, kernel, stride, kernel / 2, mid, false));
                bnDw = module("bn2", new BatchNorm2d(mid, eps, 0.1f));
                se = seChannels > 0 ? module("se", new SqueezeExcite(mid, seChannels)) : null;
                convPwl = module("conv_pwl", new Conv2dLayer(mid, out, 1, 1, 0, 1, false));
                bnPwl = module("bn3", new BatchNorm2d(out, eps, 0.1f));
            } else {
                convPw = null;
                bnPw = null;
                convDw = module("conv_dw", new Conv2dLayer(in, in, kernel, stride, kernel / 2, in, false));
                bnDw = module("bn1", new BatchNorm2d(in, eps, 0.1f));
                se = seChannels > 0 ? module("se", new SqueezeExcite(in, seChannels)) : null;
                convPwl = module("conv_pw", new Conv2dLayer(in, out, 1, 1, 0, 1, false));
                bnPwl = module("bn2", new BatchNorm2d(out, eps, 0.1f));
            }
            this.residual = stride == 1 && in == out;
            this.dropPath = dropPath;
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = x;
            if (expanded) {
                y = silu(bnPw.apply(ps, convPw.apply(ps, y, training), training));
            }
            y = silu(bnDw.apply(ps, convDw.apply(ps, y, training), training));
            if (se != null) {
                y = se.apply(ps, y, training);
            }
            y = bnPwl.apply(ps, convPwl.apply(ps, y, training), training);
            if (!residual) {
                return y;
            }
            if (training && dropPath > 0) {
                y = dropPath(y, dropPath);
            }
            return y.add(x);
        }

        /** Zeroes whole samples of the residual branch with probability {@code rate}, scaling the kept ones by 1/(1−rate). */
        static NDArray dropPath(NDArray y, double rate) {
            float keep = (float) (1 - rate);
            NDArray u = y.getManager().randomUniform(0f, 1f, new Shape(y.getShape().get(0), 1, 1, 1));
            NDArray mask = u.lt(keep).toType(DataType.FLOAT32, false);
            return Scalars.div(y.mul(mask), keep);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, inputs.head(), training));
        }
    }

    /** Squeeze-excitation: global average → 1×1 conv ({@code conv_reduce}) → SiLU → 1×1 conv ({@code conv_expand}) → sigmoid gate. */
    static final class SqueezeExcite extends VisionModule {
        private final Conv2dLayer reduce;
        private final Conv2dLayer expand;

        SqueezeExcite(int channels, int reduced) {
            reduce = module("conv_reduce", new Conv2dLayer(channels, reduced, 1, 1, 0, 1, true));
            expand = module("conv_expand", new Conv2dLayer(reduced, channels, 1, 1, 0, 1, true));
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            Shape s = x.getShape();
            NDArray pooled = globalAveragePool(x).reshape(s.get(0), s.get(1), 1, 1);
            NDArray gate = Activation.sigmoid(expand.apply(ps, silu(reduce.apply(ps, pooled, training)), training));
            return x.mul(gate);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, inputs.head(), training));
        }
    }
}
