package dev.graft.data.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How a model expects its input images, as in a Hugging Face {@code preprocessor_config.json}:
 * resize so the shorter side is {@code shortestEdge}, centre-crop to {@code cropHeight × cropWidth},
 * scale to [0, 1] ({@code rescaleFactor} = 1/255), normalise per channel.
 *
 * @param shortestEdge   target of the shorter side before cropping ({@code size.shortest_edge}); 0 = no resize
 * @param cropHeight     crop height ({@code crop_size.height}); 0 = no crop
 * @param cropWidth      crop width
 * @param rescaleFactor  multiplier taking 0..255 to the model's range
 * @param doNormalize    whether to subtract {@code mean} and divide by {@code std}
 * @param mean           per-channel mean (RGB)
 * @param std            per-channel standard deviation (RGB)
 */
public record PreprocessorConfig(int shortestEdge, int cropHeight, int cropWidth, double rescaleFactor, boolean doNormalize,
                                 float[] mean, float[] std) {

    /** File name inside a model directory. */
    public static final String FILE = "preprocessor_config.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Validates the fields. */
    public PreprocessorConfig {
        if (shortestEdge < 0 || cropHeight < 0 || cropWidth < 0) {
            throw new IllegalArgumentException("image sizes must be ≥ 0, got shortest_edge " + shortestEdge + ", crop "
                    + cropHeight + "x" + cropWidth);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("image_mean and image_std need 3 values (RGB), got " + Arrays.toString(mean)
                    + " and " + Arrays.toString(std));
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("image_std values must be positive, got " + Arrays.toString(std));
            }
        }
    }

    /**
     * The smallest image size {@link #withImageSize} accepts: MobileNetV2, ResNet and EfficientNet halve the
     * resolution five times (÷32), so a smaller input has no spatial extent left in the last stages — the limit
     * Keras Applications also enforces for these networks ({@code min_size=32}).
     */
    public static final int MIN_IMAGE_SIZE = 32;

    /**
     * This preprocessing for a {@code size × size} network input: the shorter side resized to {@code size·256/224}
     * (the ImageNet ratio), then a centre crop of {@code size}; rescaling and normalisation unchanged.
     *
     * @throws IllegalArgumentException when {@code size} is below {@link #MIN_IMAGE_SIZE}
     */
    public PreprocessorConfig withImageSize(int size) {
        if (size < MIN_IMAGE_SIZE) {
            throw new IllegalArgumentException("image size must be at least " + MIN_IMAGE_SIZE + " pixels (the image backbones,"
                    + " MobileNetV2, ResNet and EfficientNet, downsample by 32), got " + size + ".");
        }
        return new PreprocessorConfig((int) Math.round(size * 256.0 / 224), size, size, rescaleFactor, doNormalize, mean, std);
    }

    /** The torchvision ImageNet convention: shorter side 256, centre crop 224, ImageNet mean and std. */
    public static PreprocessorConfig imagenet() {
        return new PreprocessorConfig(256, 224, 224, 1 / 255.0, true, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f});
    }

    /** A preset by name ({@code imagenet}). */
    public static PreprocessorConfig preset(String name) {
        if (name.equalsIgnoreCase("imagenet")) {
            return imagenet();
        }
        throw new IllegalArgumentException("Unknown preprocessing preset '" + name + "'; available: imagenet.");
    }

    /** Output height after preprocessing. */
    public int outputHeight() {
        return cropHeight > 0 ? cropHeight : shortestEdge;
    }

    /** Output width after preprocessing. */
    public int outputWidth() {
        return cropWidth > 0 ? cropWidth : shortestEdge;
    }

    /** Reads a Hugging Face style preprocessor config (unknown keys ignored; missing ones take ImageNet defaults). */
    public static PreprocessorConfig read(Path file) throws IOException {
        JsonNode n = MAPPER.readTree(file.toFile());
        PreprocessorConfig d = imagenet();
        boolean doResize = n.path("do_resize").asBoolean(true);
        int edge = d.shortestEdge;
        JsonNode size = n.path("size");
        if (size.isInt()) {
            edge = size.asInt();
        } else if (size.has("shortest_edge")) {
            edge = size.get("shortest_edge").asInt();
        } else if (size.has("height")) {
            edge = Math.min(size.get("height").asInt(), size.path("width").asInt(size.get("height").asInt()));
        }
        boolean doCrop = n.path("do_center_crop").asBoolean(true);
        int ch = d.cropHeight;
        int cw = d.cropWidth;
        JsonNode crop = n.path("crop_size");
        if (crop.isInt()) {
            ch = cw = crop.asInt();
        } else if (crop.has("height")) {
            ch = crop.get("height").asInt();
            cw = crop.path("width").asInt(ch);
        }
        boolean doRescale = n.path("do_rescale").asBoolean(true);
        double rescale = doRescale ? n.path("rescale_factor").asDouble(1 / 255.0) : 1.0;
        return new PreprocessorConfig(doResize ? edge : 0, doCrop ? ch : 0, doCrop ? cw : 0, rescale,
                n.path("do_normalize").asBoolean(true), floats(n.path("image_mean"), d.mean), floats(n.path("image_std"), d.std));
    }

    /** Writes this config in the Hugging Face layout. */
    public void write(Path file) throws IOException {
        Files.writeString(file, toJson());
    }

    /** The Hugging Face JSON form. */
    public String toJson() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("image_processor_type", "GraftImageProcessor");
        n.put("do_resize", shortestEdge > 0);
        n.putObject("size").put("shortest_edge", shortestEdge);
        n.put("resample", 2);
        n.put("do_center_crop", cropHeight > 0);
        n.putObject("crop_size").put("height", cropHeight).put("width", cropWidth);
        n.put("do_rescale", true);
        n.put("rescale_factor", rescaleFactor);
        n.put("do_normalize", doNormalize);
        var m = n.putArray("image_mean");
        for (float v : mean) {
            m.add(v);
        }
        var s = n.putArray("image_std");
        for (float v : std) {
            s.add(v);
        }
        n.put("do_convert_rgb", true);
        try {
            return MAPPER.writeValueAsString(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] floats(JsonNode arr, float[] dflt) {
        if (!arr.isArray()) {
            return dflt.clone();
        }
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) arr.get(i).asDouble();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessorConfig p && p.shortestEdge == shortestEdge && p.cropHeight == cropHeight
                && p.cropWidth == cropWidth && p.rescaleFactor == rescaleFactor && p.doNormalize == doNormalize
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(shortestEdge, cropHeight, cropWidth, rescaleFactor, doNormalize, Arrays.hashCode(mean),
                Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "PreprocessorConfig[shortest_edge=" + shortestEdge + ", crop=" + cropHeight + "x" + cropWidth + ", mean="
                + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
