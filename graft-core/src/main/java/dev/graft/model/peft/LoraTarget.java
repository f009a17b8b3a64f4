package dev.graft.model.peft;

import dev.graft.util.Arguments;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A linear layer of every BERT encoder layer that LoRA can update, by its CLI name and Hugging Face name. */
public enum LoraTarget {
    /** The attention query projection. */
    QUERY("query", "attention.self.query"),
    /** The attention key projection. */
    KEY("key", "attention.self.key"),
    /** The attention value projection. */
    VALUE("value", "attention.self.value"),
    /** The projection after attention. */
    ATTENTION_OUTPUT("attention-output", "attention.output.dense"),
    /** The feed-forward expansion. */
    INTERMEDIATE("intermediate", "intermediate.dense"),
    /** The feed-forward contraction. */
    OUTPUT("output", "output.dense");

    private final String key;
    private final String layerName;

    LoraTarget(String key, String layerName) {
        this.key = key;
        this.layerName = layerName;
    }

    /** The CLI name ({@code query}, {@code attention-output}, ...). */
    public String key() {
        return key;
    }

    /** The linear layer's name inside an encoder layer, as in Hugging Face BERT. */
    public String layerName() {
        return layerName;
    }

    /** The target named {@code key}. */
    public static LoraTarget parse(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        for (LoraTarget t : values()) {
            if (t.key.equals(k)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown LoRA target '" + key.trim() + "'. Choose from: "
                + String.join(",", Arrays.stream(values()).map(LoraTarget::key).toList()) + ".");
    }

    /** Targets from a comma list such as {@code query,value}; at least one, no repeats needed. */
    public static Set<LoraTarget> parseList(String list) {
        Set<LoraTarget> out = EnumSet.noneOf(LoraTarget.class);
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(Arguments.name("loraTargets") + " names no layer; give a comma list from "
                    + String.join(",", Arrays.stream(values()).map(LoraTarget::key).toList()) + ".");
        }
        return out;
    }
}
