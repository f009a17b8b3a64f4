package dev.graft.strategy.adapt;

import java.util.Arrays;

/** How the source-trained classifier is adapted to the unlabelled target domain. */
public enum AdaptMethod {
    /** No adaptation: the baseline, trained on source features only. */
    SOURCE_ONLY("source-only"),
    /** CORAL (Sun et al. 2016): source features whitened and re-coloured with the target covariance, then the head is trained. */
    CORAL("coral"),
    /** DAN-style: a trainable adapter + head, cross-entropy on source plus multi-kernel MMD between the domains' adapter outputs. */
    MMD("mmd"),
    /** DANN: adapter + head + a domain classifier behind a gradient-reversal layer. */
    DANN("dann");

    private final String key;

    AdaptMethod(String key) {
        this.key = key;
    }

    /** The name on the command line and in records. */
    public String key() {
        return key;
    }

    /** Parses a {@link #key()}. */
    public static AdaptMethod parse(String s) {
        for (AdaptMethod m : values()) {
            if (m.key.equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown adaptation method '" + s + "'. Use one of "
                + Arrays.toString(Arrays.stream(values()).map(AdaptMethod::key).toArray()) + ".");
    }
}
