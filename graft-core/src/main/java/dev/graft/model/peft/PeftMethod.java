package dev.graft.model.peft;

import java.util.Arrays;
import java.util.Locale;

/** How the encoder is adapted while its pretrained weights stay frozen. */
public enum PeftMethod {
    /** Low-rank updates {@code W + (alpha/r)·B·A} on chosen linear layers (Hu et al., 2021). */
    LORA("lora"),
    /** Bottleneck adapters after the attention-output and feed-forward-output projections (Houlsby et al., 2019). */
    ADAPTER("adapter");

    private final String key;

    PeftMethod(String key) {
        this.key = key;
    }

    /** The name in the CLI, manifests and provenance. */
    public String key() {
        return key;
    }

    /** The method named {@code key}; the error lists the known names. */
    public static PeftMethod parse(String key) {
        for (PeftMethod m : values()) {
            if (m.key.equals(key.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown parameter-efficient method '" + key + "'. Available: "
                + String.join(", ", Arrays.stream(values()).map(PeftMethod::key).toList()) + ".");
    }
}
