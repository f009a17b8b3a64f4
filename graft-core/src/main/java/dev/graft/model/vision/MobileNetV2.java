package dev.graft.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MobileNetV2 built from a {@link MobileNetV2Spec}: {@code features.0} (stem), {@code features.1..n}
 * (inverted residual blocks, convolutions {@code features.i.conv.j.0}), {@code features.n+1}
 * (1×1 conv to the feature width), global average pooling, and optionally the ImageNet
 * classifier {@code classifier.1} (kept out of {@link #namedParameters()}: it is not trained).
 * BatchNorm is folded into the convolution biases. Layer groups: one per {@code features.i}.
 */
public final class MobileNetV2 extends VisionModule implements MultiScaleEncoder {

    private final MobileNetV2Spec spec;
    private final ClippedConv stem;
    private final List<Block> blocks = new ArrayList<>();
    private final ClippedConv last;
    private final Parameter classifierWeight;
    private final Parameter classifierBias;

    /** An uninitialised network of this architecture. */
    public MobileNetV2(MobileNetV2Spec spec) {
        this.spec = spec;
        this.stem = module("features.0", new ClippedConv(spec.stem()));
        for (int i = 0; i < spec.blocks().size(); i++) {
            blocks.add(module("features." + (i + 1), new Block(spec.blocks().get(i))));
        }
        this.last = module("features." + (spec.blocks().size() + 1), new ClippedConv(spec.last()));
        if (spec.numClasses() > 0) {
            classifierWeight = addParameter(Parameter.builder().setName("classifier.1.weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(spec.numClasses(), spec.featureDim())).optRequiresGrad(false).build());
            classifierBias = addParameter(Parameter.builder().setName("classifier.1.bias").setType(Parameter.Type.BIAS)
                    .optShape(new Shape(spec.numClasses())).optRequiresGrad(false).build());
            classifierWeight.setInitializer(ai.djl.training.initializer.Initializer.ZEROS);
        } else {
            classifierWeight = null;
            classifierBias = null;
        }
    }

    /** The architecture. */
    @Override
    public MobileNetV2Spec spec() {
        return spec;
    }

    @Override
    public String architecture() {
        return "mobilenetv2";
    }

    @Override
    public int featureDim() {
        return spec.featureDim();
    }

    /** The ImageNet classifier's parameters ({@code classifier.1.weight [classes, D]}, {@code .bias}); empty without one. */
    public Map<String, Parameter> classifierParameters() {
        return classifierWeight == null ? Map.of()
                : Map.of("classifier.1.weight", classifierWeight, "classifier.1.bias", classifierBias);
    }

    @Override
    public NDArray features(ParameterStore ps, NDArray images, boolean training) {
        NDArray x = clip(images, spec.inputClip());
        x = stem.apply(ps, x, training);
        for (Block b : blocks) {
            x = b.apply(ps, x, training);
        }
        x = last.apply(ps, x, training);
        x = globalAveragePool(x);
        return clip(x, spec.poolClip());
    }

    /**
     * The feature maps a dense-prediction decoder reads: the output of the last block at each resolution (strides 2,
     * 4, 8, 16 and 32 of the ImageNet architecture: 16, 24, 32, 96 and 320 channels), shallowest first. The final 1×1
     * convolution to the pooled width is not applied. Input sides must be multiples of the total stride (32).
     */
    @Override
    public List<NDArray> featureMaps(ParameterStore ps, NDArray images, boolean training) {
        List<NDArray> maps = new ArrayList<>();
        NDArray x = clip(images, spec.inputClip());
        x = stem.apply(ps, x, training);
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).apply(ps, x, training);
            if (i == blocks.size() - 1 || stride(spec.blocks().get(i + 1)) > 1) {
                maps.add(x);
            }
        }
        return maps;
    }

    @Override
    public List<Integer> featureMapChannels() {
        List<Integer> channels = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            if (i == blocks.size() - 1 || stride(spec.blocks().get(i + 1)) > 1) {
                List<MobileNetV2Spec.ConvSpec> convs = spec.blocks().get(i).convs();
                channels.add(convs.get(convs.size() - 1).out());
            }
        }
        return channels;
    }

    /** The final 1×1 convolution's module ({@code features.<n+1>}), which {@link #featureMaps} does not use. */
    @Override
    public List<String> poolingOnlyPrefixes() {
        return List.of("features." + (blocks.size() + 1) + ".");
    }

    private static int stride(MobileNetV2Spec.BlockSpec b) {
        return b.convs().stream().mapToInt(MobileNetV2Spec.ConvSpec::stride).max().orElse(1);
    }

    /** The ImageNet logits (as the source graph computes them, clips included). */
    public NDArray imagenetLogits(ParameterStore ps, NDArray images) {
        if (classifierWeight == null) {
            throw new IllegalStateException("this MobileNetV2 has no ImageNet classifier");
        }
        NDArray f = features(ps, images, false);
        NDArray y = clip(f.matMul(classifierWeight.getArray().transpose()), spec.matmulClip());
        return clip(y.add(classifierBias.getArray()), spec.logitsClip());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(features(ps, inputs.head(), training));
    }

    @Override
    public List<LayerGroup> layerGroups() {
        List<LayerGroup> groups = new ArrayList<>();
        for (Map.Entry<String, VisionModule> m : modules()) {
            List<String> names = m.getValue().namedParameters().keySet().stream().map(n -> m.getKey() + "." + n).toList();
            groups.add(new LayerGroup(m.getKey(), names, false));
        }
        return groups;
    }

    static NDArray clip(NDArray x, MobileNetV2Spec.Bounds b) {
        return b == null ? x : x.clip(b.min(), b.max());
    }

    /** An inverted residual block. */
    static final class Block extends VisionModule {
        private final List<ClippedConv> convs = new ArrayList<>();
        private final MobileNetV2Spec.BlockSpec spec;

        Block(MobileNetV2Spec.BlockSpec spec) {
            this.spec = spec;
            for (int j = 0; j < spec.convs().size(); j++) {
                convs.add(module("conv." + j, new ClippedConv(spec.convs().get(j))));
            }
        }

        /**
         * The block: with fused kernels, one {@link ScriptedConv.Chain} (residual sum included), so that in bfloat16
         * only the block's narrow input and output cross in float32; with DJL's ops (or a convolution that
         * {@link ChannelPadding} computes), convolution by convolution.
         */
        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            ConvKernels k = convs.get(0).conv().kernels();
            if (k != ConvKernels.DJL && convs.stream().noneMatch(c -> c.conv().padded())) {
                List<ScriptedConv.Shape> shapes = new ArrayList<>();
                List<NDArray> arguments = new ArrayList<>();
                for (ClippedConv c : convs) {
                    shapes.add(c.conv().scripted(c.clip()));
                    arguments.addAll(c.conv().chainArguments(ps, x, training));
                }
                return ScriptedConv.apply(new ScriptedConv.Chain(shapes, k.bf16(), spec.residual(),
                        spec.residual() ? spec.addClip() : null), x, arguments);
            }
            NDArray y = x;
            for (ClippedConv c : convs) {
                y = c.apply(ps, y, training);
            }
            return spec.residual() ? clip(x.add(y), spec.addClip()) : y;
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, inputs.head(), training));
        }
    }
}
