package dev.graft.model.vision.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import dev.graft.model.Splittable;
import dev.graft.model.vision.Conv2dLayer;
import dev.graft.model.vision.MobileNetV2;
import dev.graft.model.vision.VisionModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pretrained MobileNetV2 encoder ({@link MobileNetV2#featureMaps}: strides 2–32) with a U-Net-style decoder: from the
 * deepest map, each stage doubles the resolution (nearest neighbour), concatenates the encoder map of that resolution
 * and applies a 3×3 convolution, BatchNorm and ReLU; a last stage at full resolution concatenates the input image
 * itself, then a 1×1 convolution gives the class logits {@code [B, classes, H, W]}. Skip connections at every
 * stride keep the thin structures (membranes, vessels) that a decoder from the deepest map alone would blur.
 *
 * <p>Input sides must be multiples of 32. Parameters are named {@code encoder.*} (as in the backbone) and
 * {@code decoder.*}; layer groups are the encoder's (bottom to top, without its unused final 1×1 convolution) and the
 * decoder as the head.
 */
public final class SegmentationNet extends VisionModule implements Splittable {

    /** Decoder channels per stage, deepest stage first; the last entry is the full-resolution stage. */
    public static final List<Integer> DECODER_CHANNELS = List.of(128, 64, 48, 32, 16);
    /** Channel block of the CPU convolution kernels (16 floats on AVX-512). */
    static final int CHANNEL_BLOCK = 16;
    /** Input sides must be multiples of this. */
    public static final int STRIDE = 32;

    private final MobileNetV2 encoder;
    private final List<ConvBnRelu> stages = new ArrayList<>();
    private final Conv2dLayer classifier;
    private final int classes;
    private final VisionModule decoder;

    /**
     * @param encoder the (pretrained or random) encoder, initialised
     * @param classes number of classes
     */
    public SegmentationNet(MobileNetV2 encoder, int classes) {
        this.encoder = encoder;
        this.classes = classes;
        List<Integer> skips = encoder.featureMapChannels();
        if (skips.size() != DECODER_CHANNELS.size()) {
            throw new IllegalArgumentException("the decoder expects " + DECODER_CHANNELS.size() + " encoder resolutions, the"
                    + " encoder has " + skips.size());
        }
        this.decoder = new Decoder();
        int in = skips.get(skips.size() - 1);
        for (int s = 0; s < DECODER_CHANNELS.size(); s++) {
            int skip = s < skips.size() - 1 ? skips.get(skips.size() - 2 - s) : 3; // the last stage reads the image
            stages.add(((Decoder) decoder).add("stage" + s, new ConvBnRelu(blocked(in + skip), DECODER_CHANNELS.get(s))));
            in = DECODER_CHANNELS.get(s);
        }
        this.classifier = ((Decoder) decoder).add("classifier", new Conv2dLayer(in, classes, 1, 1, 0, 1, true));
        addChildBlock("encoder", encoder);
        addChildBlock("decoder", decoder);
    }

    /** The encoder. */
    public MobileNetV2 encoder() {
        return encoder;
    }

    /** The decoder module (its parameters are {@code decoder.*} of {@link #namedParameters()}). */
    public VisionModule decoder() {
        return decoder;
    }

    /** Number of classes. */
    public int classes() {
        return classes;
    }

    /** Allocates the decoder's parameters (the encoder is initialised already). */
    public void initializeDecoder(NDManager manager) {
        decoder.initialize(manager);
    }

    /** Class logits {@code [B, classes, H, W]} of normalised images {@code [B, 3, H, W]}. */
    public NDArray logits(ParameterStore ps, NDArray images, boolean training) {
        long h = images.getShape().get(2);
        long w = images.getShape().get(3);
        if (h % STRIDE != 0 || w % STRIDE != 0) {
            throw new IllegalArgumentException("input sides must be multiples of " + STRIDE + ", got " + h + "x" + w);
        }
        List<NDArray> maps = encoder.featureMaps(ps, images, training);
        NDArray x = maps.get(maps.size() - 1);
        for (int s = 0; s < stages.size(); s++) {
            NDArray skip = s < maps.size() - 1 ? maps.get(maps.size() - 2 - s) : images;
            x = stages.get(s).apply(ps, padChannels(NDArrays.concat(new NDList(upsample2(x), skip), 1)), training);
        }
        return classifier.apply(ps, x, training);
    }

    /**
     * Channels rounded up to a multiple of {@value #CHANNEL_BLOCK}. libtorch's oneDNN CPU kernels keep channels in blocks
     * of 16 floats and, for a 3×3 convolution whose channels do not fill the last block, now and then read the block's
     * uninitialised padding (see {@code OutputChannelPadding}): measured here as NaN over whole inference tiles of a
     * decoder stage reading 35 channels. The decoder's concatenated inputs are therefore zero-padded to whole blocks.
     */
    static int blocked(int channels) {
        return (channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK;
    }

    /** {@code x} with zero channels appended up to {@link #blocked} channels. */
    static NDArray padChannels(NDArray x) {
        Shape s = x.getShape();
        long missing = blocked((int) s.get(1)) - s.get(1);
        if (missing == 0) {
            return x;
        }
        NDArray zeros = x.getManager().zeros(new Shape(s.get(0), missing, s.get(2), s.get(3)), x.getDataType());
        return NDArrays.concat(new NDList(x, zeros), 1);
    }

    /** Nearest-neighbour upsampling by 2 of {@code [B, C, H, W]}. */
    static NDArray upsample2(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(ps, inputs.head(), training));
    }

    /** Trainable parameters: the encoder's (without its unused final convolution) as {@code encoder.*}, and the decoder's. */
    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        String unused = encoder.lastConvName() + ".";
        encoder.namedParameters().forEach((n, p) -> {
            if (!n.startsWith(unused)) {
                m.put("encoder." + n, p);
            }
        });
        decoder.namedParameters().forEach((n, p) -> m.put("decoder." + n, p));
        return m;
    }

    /** The decoder's BatchNorm statistics (the encoder's BatchNorm is folded into its convolutions). */
    @Override
    public Map<String, Parameter> namedBuffers() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        encoder.namedBuffers().forEach((n, p) -> m.put("encoder." + n, p));
        decoder.namedBuffers().forEach((n, p) -> m.put("decoder." + n, p));
        return m;
    }

    @Override
    public List<LayerGroup> layerGroups() {
        List<LayerGroup> groups = new ArrayList<>();
        for (LayerGroup g : encoder.layerGroups()) {
            if (!g.name().equals(encoder.lastConvName())) {
                groups.add(new LayerGroup("encoder." + g.name(), g.parameters().stream().map(n -> "encoder." + n).toList(), false));
            }
        }
        groups.add(new LayerGroup("decoder", decoder.namedParameters().keySet().stream().map(n -> "decoder." + n).toList(), true));
        return groups;
    }

    /** The decoder's modules under their names. */
    private static final class Decoder extends VisionModule {
        <T extends VisionModule> T add(String name, T child) {
            return module(name, child);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            throw new UnsupportedOperationException("the decoder runs inside SegmentationNet.logits");
        }
    }
}
