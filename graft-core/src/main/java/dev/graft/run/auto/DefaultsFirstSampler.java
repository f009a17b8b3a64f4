package dev.graft.run.auto;

import dev.graft.tuning.Sampler;
import dev.graft.tuning.SearchSpace;
import dev.graft.tuning.Trial;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The first trial gets the strategy's default settings (known to work, so a budget for one trial still tries the
 * recipe rather than a random point); later trials come from {@code next} (TPE).
 */
record DefaultsFirstSampler(Map<String, Object> defaults, Sampler next) implements Sampler {

    DefaultsFirstSampler {
        defaults = Map.copyOf(defaults);
    }

    @Override
    public Map<String, Object> sample(SearchSpace space, List<Trial> trials, Random rng) {
        return trials.isEmpty() ? defaults : next.sample(space, trials, rng);
    }

    @Override
    public String name() {
        return "defaults-then-" + next.name();
    }
}
