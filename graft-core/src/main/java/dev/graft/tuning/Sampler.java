package dev.graft.tuning;

import dev.graft.util.Arguments;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** Proposes the settings of the next trial from the trials so far. */
public interface Sampler {

    /**
     * Settings for a new trial.
     *
     * @param space  what to search
     * @param trials the study's finished trials (complete, pruned, failed)
     * @param rng    this trial's random source (seeded from the study seed and trial number, so a
     *               resumed study proposes what the uninterrupted one would have)
     */
    Map<String, Object> sample(SearchSpace space, List<Trial> trials, Random rng);

    /** {@code tpe} or {@code random}. */
    String name();

    /** Parses {@code tpe} or {@code random}. */
    static Sampler parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tpe" -> new TpeSampler();
            case "random" -> new RandomSampler();
            default -> throw new IllegalArgumentException("Unknown " + Arguments.name("sampler") + " '" + name + "'; use tpe or random.");
        };
    }
}
