package dev.graft.model.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.model.ModelFileLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code config.json} of an image model on the Hugging Face Hub in timm's layout: {@code architecture},
 * {@code num_classes} and {@code pretrained_cfg} with the input size and preprocessing the weights were trained
 * with. A torchvision state dict published with a smaller config (or {@code {}}) reads with ImageNet's defaults.
 *
 * @param architecture  the published architecture name ({@code resnet50}, {@code resnet50.a1_in1k}), if given
 * @param numClasses    classes of the published classifier (0 when not given)
 * @param inputHeight   network input height ({@code pretrained_cfg.input_size[1]})
 * @param inputWidth    network input width ({@code pretrained_cfg.input_size[2]})
 * @param mean          per-channel mean (RGB)
 * @param std           per-channel standard deviation (RGB)
 * @param interpolation resize interpolation the weights were trained with ({@code bilinear}, {@code bicubic})
 * @param cropPct       centre-crop fraction: the shorter side is resized to {@code floor(size / cropPct)}
 */
public record TimmConfig(Optional<String> architecture, int numClasses, int inputHeight, int inputWidth, float[] mean,
                         float[] std, String interpolation, double cropPct) {

    /** ImageNet's mean, the default. */
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet's standard deviation, the default. */
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Whether a Hub {@code config.json} describes an image model rather than a Transformers one: it has timm's
     * {@code architecture} or {@code pretrained_cfg}, or none of Transformers' {@code model_type}/{@code architectures}.
     */
    public static boolean isImageModel(Path configJson) throws IOException {
        JsonNode n = ModelFileLimits.readJson(configJson, MAPPER);
        return n.path("architecture").isTextual() || n.path("pretrained_cfg").isObject()
                || !(n.has("model_type") || n.has("architectures"));
    }

    /**
     * Reads {@code configJson}; missing fields take ImageNet's defaults (224², crop 0.875, bilinear).
     *
     * @throws IllegalArgumentException naming the file and field when a value is malformed
     */
    public static TimmConfig read(Path configJson) throws IOException {
        JsonNode n = ModelFileLimits.readJson(configJson, MAPPER);
        if (!n.isObject()) {
            throw new IllegalArgumentException(configJson + " is not a JSON object");
        }
        JsonNode cfg = n.path("pretrained_cfg");
        Optional<String> arch = n.path("architecture").isTextual() ? Optional.of(n.get("architecture").asText())
                : Optional.empty();
        int h = 224;
        int w = 224;
        JsonNode size = cfg.path("input_size");
        if (!size.isMissingNode()) {
            if (!size.isArray() || size.size() != 3 || !size.get(0).canConvertToInt() || size.get(0).asInt() != 3
                    || !size.get(1).canConvertToInt() || !size.get(2).canConvertToInt()
                    || size.get(1).asInt() < 1 || size.get(2).asInt() < 1 || size.get(1).asInt() > 4096
                    || size.get(2).asInt() > 4096) {
                throw new IllegalArgumentException(configJson + ": pretrained_cfg.input_size must be [3, height, width]"
                        + " with 1..4096 pixels, got " + size);
            }
            h = size.get(1).asInt();
            w = size.get(2).asInt();
        }
        double crop = 0.875;
        JsonNode c = cfg.path("crop_pct");
        if (!c.isMissingNode() && !c.isNull()) {
            if (!c.isNumber() || !(c.asDouble() > 0.1 && c.asDouble() <= 1.0)) {
                throw new IllegalArgumentException(configJson + ": pretrained_cfg.crop_pct must be a number in (0.1, 1], got " + c);
            }
            crop = c.asDouble();
        }
        return new TimmConfig(arch, n.path("num_classes").asInt(0), h, w, channels(configJson, cfg, "mean", IMAGENET_MEAN),
                channels(configJson, cfg, "std", IMAGENET_STD), cfg.path("interpolation").asText("bilinear"), crop);
    }

    /** The shorter side before the centre crop, as timm computes it: {@code floor(max(height, width) / crop_pct)}. */
    public int resizeShorterSide() {
        return (int) Math.floor(Math.max(inputHeight, inputWidth) / cropPct);
    }

    private static float[] channels(Path file, JsonNode cfg, String field, float[] dflt) {
        JsonNode a = cfg.path(field);
        if (a.isMissingNode()) {
            return dflt.clone();
        }
        if (!a.isArray() || a.size() != 3) {
            throw new IllegalArgumentException(file + ": pretrained_cfg." + field + " must be 3 numbers (RGB), got " + a);
        }
        float[] v = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!a.get(i).isNumber()) {
                throw new IllegalArgumentException(file + ": pretrained_cfg." + field + " must be 3 numbers (RGB), got " + a);
            }
            v[i] = (float) a.get(i).asDouble();
        }
        if (field.equals("std") && !(v[0] > 0 && v[1] > 0 && v[2] > 0)) {
            throw new IllegalArgumentException(file + ": pretrained_cfg.std must be positive, got " + a);
        }
        return v;
    }
}
