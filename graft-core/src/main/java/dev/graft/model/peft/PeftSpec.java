package dev.graft.model.peft;

import dev.graft.util.Arguments;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What parameter-efficient transfer attaches to a BERT encoder. One spec configures both methods:
 * LoRA uses {@code rank}, {@code alpha}, {@code dropout} and {@code targets}; adapters use
 * {@code adapterSize}. The pretrained weights stay frozen; with {@code trainLayerNorms} the encoder's
 * LayerNorms train too.
 *
 * @param method          LoRA or adapters
 * @param rank            LoRA rank r (≥ 1)
 * @param alpha           LoRA scaling numerator: updates are scaled by {@code alpha / rank}
 * @param dropout         dropout on LoRA's input, in [0, 1)
 * @param targets         linear layers LoRA updates in every encoder layer (canonical order)
 * @param adapterSize     adapter bottleneck width (≥ 1)
 * @param trainLayerNorms whether the encoder's LayerNorm weights and biases train as well
 */
public record PeftSpec(PeftMethod method, int rank, double alpha, double dropout, List<LoraTarget> targets, int adapterSize,
                       boolean trainLayerNorms) {

    /** Default LoRA rank. */
    public static final int DEFAULT_RANK = 8;
    /** Default LoRA alpha. */
    public static final double DEFAULT_ALPHA = 16;
    /** Default LoRA dropout. */
    public static final double DEFAULT_DROPOUT = 0.1;
    /** Default LoRA targets: query and value, as in the LoRA paper. */
    public static final List<LoraTarget> DEFAULT_TARGETS = List.of(LoraTarget.QUERY, LoraTarget.VALUE);
    /** Default adapter bottleneck width. */
    public static final int DEFAULT_ADAPTER_SIZE = 64;
    /**
     * Default learning rate of the LoRA updates or adapters (the layer group just below the head): 1e-3, ten times
     * full fine-tuning's top-layer rate, since the new weights start at (or near) zero and are few.
     */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;

    /** Validates the fields and puts the targets in canonical order. */
    public PeftSpec {
        Objects.requireNonNull(method, "method");
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be ≥ 1, got " + rank + " (try " + Arguments.name("loraRank") + " 8)");
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha + " (try " + Arguments.name("loraAlpha") + " 16)");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target layer (e.g. " + Arguments.name("loraTargets") + " query,value)");
        }
        targets = List.copyOf(EnumSet.copyOf(targets));
        if (adapterSize < 1) {
            throw new IllegalArgumentException("adapter size must be ≥ 1, got " + adapterSize + " (try " + Arguments.name("adapterSize") + " 64)");
        }
    }

    /** LoRA with the default rank, alpha, dropout and targets. */
    public static PeftSpec lora() {
        return new PeftSpec(PeftMethod.LORA, DEFAULT_RANK, DEFAULT_ALPHA, DEFAULT_DROPOUT, DEFAULT_TARGETS, DEFAULT_ADAPTER_SIZE, false);
    }

    /** Adapters of the default bottleneck width. */
    public static PeftSpec adapter() {
        return new PeftSpec(PeftMethod.ADAPTER, DEFAULT_RANK, DEFAULT_ALPHA, DEFAULT_DROPOUT, DEFAULT_TARGETS, DEFAULT_ADAPTER_SIZE, false);
    }

    /** Copy with other LoRA settings. */
    public PeftSpec withLora(int r, double a, double drop, List<LoraTarget> t) {
        return new PeftSpec(method, r, a, drop, t, adapterSize, trainLayerNorms);
    }

    /** Copy with another adapter width. */
    public PeftSpec withAdapterSize(int v) {
        return new PeftSpec(method, rank, alpha, dropout, targets, v, trainLayerNorms);
    }

    /** Copy with LayerNorms trained or frozen. */
    public PeftSpec withTrainLayerNorms(boolean v) {
        return new PeftSpec(method, rank, alpha, dropout, targets, adapterSize, v);
    }

    /** LoRA's scale {@code alpha / rank}. */
    public double scale() {
        return alpha / rank;
    }

    /** The settings that matter for this method, by name (provenance, tracking, checkpoint fingerprints). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peft_method", method.key());
        if (method == PeftMethod.LORA) {
            m.put("lora_rank", rank);
            m.put("lora_alpha", alpha);
            m.put("lora_dropout", dropout);
            m.put("lora_targets", targets.stream().map(LoraTarget::key).collect(Collectors.joining(",")));
        } else {
            m.put("adapter_size", adapterSize);
        }
        m.put("train_layernorms", trainLayerNorms);
        return m;
    }
}
