package dev.graft.util;

import java.nio.file.Path;

/**
 * Where Graft keeps extracted models and caches: {@code $GRAFT_HOME}, else the system property
 * {@code graft.home}, else {@code ~/.cache/graft}.
 */
public final class GraftHome {

    private GraftHome() {
    }

    /** The root directory (not created here). */
    public static Path root() {
        String prop = System.getProperty("graft.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath();
        }
        String env = System.getenv("GRAFT_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "graft");
    }

    /** Extracted pretrained models. */
    public static Path models() {
        return root().resolve("models");
    }

    /** Cached embeddings and other derived data that can be recomputed. */
    public static Path cache() {
        return root().resolve("cache");
    }
}
