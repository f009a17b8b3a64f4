package dev.graft.model.vision.seg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.model.LayerGroup;
import dev.graft.model.Splittable;
import dev.graft.model.vision.MultiScaleEncoder;
import dev.graft.model.vision.VisionModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pretrained encoder (any {@link MultiScaleEncoder}: MobileNetV2, ResNet, EfficientNet; its feature maps at strides
 * 2–32) with a decoder to class logits
 * {@code [B, classes, H, W]}: the U-Net-style {@link DecoderKind#UNET} (the default, chosen by measurement) or
 * MobileNetV3's lighter {@link DecoderKind#LRASPP}.
 *
 * <p>Input sides must be multiples of 32. Parameters are named {@code encoder.*} (as in the backbone) and
 * {@code decoder.*}, leaving out the encoder's parameters that only its pooled features use
 * ({@link MultiScaleEncoder#poolingOnlyPrefixes}); layer groups are the encoder's (bottom to top, without those) and the
 * decoder as the head.
 */
public final class SegmentationNet extends VisionModule implements Splittable {

    /** Input sides must be multiples of this. */
    public static final int STRIDE = MultiScaleEncoder.TOTAL_STRIDE;

    private final MultiScaleEncoder encoder;
    private final int classes;
    private final DecoderKind kind;
    private final SegmentationDecoder decoder;

    /**
     * A U-Net decoder over {@code encoder}.
     *
     * @param encoder the (pretrained or random) encoder, initialised
     * @param classes number of classes
     */
    public SegmentationNet(MultiScaleEncoder encoder, int classes) {
        this(encoder, classes, DecoderKind.UNET);
    }

    /**
     * @param encoder the (pretrained or random) encoder, initialised
     * @param classes number of classes
     * @param kind    the decoder
     */
    public SegmentationNet(MultiScaleEncoder encoder, int classes, DecoderKind kind) {
        this.encoder = encoder;
        this.classes = classes;
        this.kind = kind;
        this.decoder = kind.create(encoder.featureMapChannels(), classes);
        addChildBlock("encoder", encoder);
        addChildBlock("decoder", decoder);
    }

    /** The encoder. */
    public MultiScaleEncoder encoder() {
        return encoder;
    }

    /** The decoder module (its parameters are {@code decoder.*} of {@link #namedParameters()}). */
    public VisionModule decoder() {
        return decoder;
    }

    /** The decoder's kind. */
    public DecoderKind decoderKind() {
        return kind;
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
        return decoder.logits(ps, encoder.featureMaps(ps, images, training), images, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(ps, inputs.head(), training));
    }

    /** Trainable parameters: the encoder's that its feature maps use, as {@code encoder.*}, and the decoder's. */
    @Override
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        encoder.namedParameters().forEach((n, p) -> {
            if (encoder.usedByFeatureMaps(n)) {
                m.put("encoder." + n, p);
            }
        });
        decoder.namedParameters().forEach((n, p) -> m.put("decoder." + n, p));
        return m;
    }

    /**
     * BatchNorm statistics of the encoder (those its feature maps use; none for MobileNetV2, whose BatchNorm is folded
     * into its convolutions) and of the decoder.
     */
    @Override
    public Map<String, Parameter> namedBuffers() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        encoder.namedBuffers().forEach((n, p) -> {
            if (encoder.usedByFeatureMaps(n)) {
                m.put("encoder." + n, p);
            }
        });
        decoder.namedBuffers().forEach((n, p) -> m.put("decoder." + n, p));
        return m;
    }

    @Override
    public List<LayerGroup> layerGroups() {
        List<LayerGroup> groups = new ArrayList<>();
        for (LayerGroup g : encoder.layerGroups()) {
            List<String> used = g.parameters().stream().filter(encoder::usedByFeatureMaps).map(n -> "encoder." + n).toList();
            if (!used.isEmpty()) {
                groups.add(new LayerGroup("encoder." + g.name(), used, false));
            }
        }
        groups.add(new LayerGroup("decoder", decoder.namedParameters().keySet().stream().map(n -> "decoder." + n).toList(), true));
        return groups;
    }
}
